"""A real Redis broker and a real Celery worker for tests about jobs.

Uses REDIS_URL (CI points it at the machine's Redis) or the local default, on its own
database number, flushed before and after. An unreachable Redis fails the test loudly:
these tests never skip."""

import os

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from ectalign.celery import app

REDIS_SERVER = (os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]


@pytest.fixture
def broker_url(request):
    """A Redis database of this test process's own (xdist workers run in parallel and
    each flushes its database). The worker id is read from the config, not from xdist's
    ``worker_id`` fixture, so these tests also run with xdist disabled (``-p no:xdist``)."""
    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "master")
    number = 14 if worker_id == "master" else 14 - int(worker_id.removeprefix("gw")) - 1
    return f"{REDIS_SERVER}/{number}"


@pytest.fixture
def broker(broker_url):
    client = redis.Redis.from_url(broker_url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:  # pragma: no cover - environment failure
        pytest.fail(f"Redis broker not reachable at {broker_url}: {exc}. Start Redis (see STACK.md).")
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def celery_worker(broker, broker_url, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")}
    app.conf.update(broker_url=broker_url, task_always_eager=False, result_backend=broker_url)
    _reset_connections()
    app.connection_for_write().ensure_connection(max_retries=1)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.update(previous)
        _reset_connections()


def _reset_connections():
    """Drop pooled broker connections made with another broker URL."""
    app._pool = None
    app.amqp._producer_pool = None
    # The result backend is cached per app (or per thread): rebuild it from the new URL.
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
