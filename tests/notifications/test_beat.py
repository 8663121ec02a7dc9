"""Beat scans every tenant every 15 minutes, one task per tenant, taking ids."""

import pytest
from django.conf import settings

from ectalign.celery import app
from notifications import tasks

pytestmark = pytest.mark.django_db


def test_beat_runs_the_scan_every_quarter_of_an_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["scan-notifications"]
    assert entry["task"] == "notifications.scan_everywhere" and entry["task"] in app.tasks
    assert entry["schedule"].minute == {0, 15, 30, 45}


def test_scan_everywhere_queues_one_scan_per_active_tenant(world, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.scan_tenant, "delay", lambda **kwargs: queued.append(kwargs))
    tasks.scan_everywhere.apply().get()
    assert sorted(queued, key=lambda k: k["tenant_id"]) == [
        {"tenant_id": world.tenant_a.pk}, {"tenant_id": world.tenant_b.pk},
    ]
