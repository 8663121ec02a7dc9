"""The real broker and worker fixtures of tests/jobs, and inline tasks, for the
notification tests."""

import pytest

from ectalign.celery import app
from tests.jobs.conftest import broker, broker_url, celery_worker  # noqa: F401


@pytest.fixture
def eager(settings):
    """Tasks run inline (as in development), whatever REDIS_URL says."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _smtp_works_again():
    from tests.notifications.helpers import FlakyBackend

    FlakyBackend.failures_left = 0
    yield
    FlakyBackend.failures_left = 0
