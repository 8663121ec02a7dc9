"""With a real Redis broker and a real Celery worker (tests/jobs/conftest.py): each
reminder is sent exactly once when the scan runs twice, when the send task is retried
after a failure, and across a Redis flush and a worker restart in the middle."""

import time
from collections import Counter
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import OperationalError

from ectalign.celery import app
from notifications import tasks
from notifications.models import Notification
from notifications.scan import scan_tenant
from tests.jobs.conftest import _reset_connections
from tests.notifications.helpers import MONDAY, FlakyBackend

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.broker]


def _wait_until_sent(ids, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not Notification.objects.filter(pk__in=ids).exclude(status=Notification.Status.SENT).exists():
                return
        except OperationalError:  # SQLite's shared in-memory test database: the worker is writing
            pass
        time.sleep(0.1)
    states = list(Notification.objects.filter(pk__in=ids).values_list("rule", "status", "attempts", "last_error"))
    pytest.fail(f"not all sent within {timeout}s: {states}")


@contextmanager
def _real_broker(broker_url, settings):
    """The app on the test's Redis database, with no worker yet (started by the test)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")}
    app.conf.update(broker_url=broker_url, task_always_eager=False, result_backend=broker_url)
    _reset_connections()
    try:
        yield
    finally:
        app.conf.update(previous)
        _reset_connections()


def _wait_until_queue_empty(broker, timeout=30):
    deadline = time.monotonic() + timeout
    while broker.llen("celery") and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # the last message taken is being run


def _drain(seconds=1.5):
    """Let any duplicate messages still queued reach the worker."""
    time.sleep(seconds)


def _once_each():
    return max(Counter((m.to[0], m.subject) for m in mail.outbox).values())


def test_two_scans_send_each_once(world, broker, broker_url, settings, mailoutbox):
    """Two beat processes by mistake: both scans queue every due row before a worker
    takes any (each row's send is on the queue twice); each is sent once."""
    with _real_broker(broker_url, settings):
        first = scan_tenant(world.tenant_a, now=MONDAY)
        second = scan_tenant(world.tenant_a, now=MONDAY)
        assert first.created > 0 and second.created == 0 and sorted(second.due) == sorted(first.due)
        assert broker.llen("celery") == 2 * len(first.due)
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            _wait_until_sent(first.due)
            _wait_until_queue_empty(broker)
    assert len(mail.outbox) == len(first.due) and _once_each() == 1


def test_a_retry_after_a_failure_sends_once(world, celery_worker, mailoutbox, settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.notifications.helpers.FlakyBackend"
    FlakyBackend.failures_left = 1
    monkeypatch.setattr(tasks, "RETRY_BACKOFF_SECONDS", 1)
    result = scan_tenant(world.tenant_a, now=MONDAY)
    _wait_until_sent(result.due)
    _drain()
    rows = Notification.objects.filter(pk__in=result.due)
    assert sorted(r.attempts for r in rows) == [1] * (len(result.due) - 1) + [2]
    assert len(mail.outbox) == len(result.due) and _once_each() == 1


def test_a_redis_flush_and_restart_loses_nothing_and_doubles_nothing(world, broker, broker_url, settings, mailoutbox):
    with _real_broker(broker_url, settings):
        # The scan commits its rows and queues their sends; no worker is running.
        result = scan_tenant(world.tenant_a, now=MONDAY)
        assert result.due and broker.llen("celery") == len(result.due)
        # Redis is flushed (a restart keeping nothing on disk): the queued sends are gone.
        broker.flushdb()
        assert broker.llen("celery") == 0
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            time.sleep(0.5)
            assert mail.outbox == []
            # The next beat scan re-sweeps the due, unsent rows.
            again = scan_tenant(world.tenant_a, now=MONDAY)
            assert again.created == 0 and sorted(again.due) == sorted(result.due)
            _wait_until_sent(result.due)
        # The worker restarts and the same scan is replayed: nothing is sent twice.
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            replay = scan_tenant(world.tenant_a, now=MONDAY)
            assert replay.created == 0 and replay.due == []
            _drain()
        assert len(mail.outbox) == len(result.due) and _once_each() == 1
