"""``send_reminders``: the scan, synchronously, ending with ``sent: N``."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_dry_run_lists_and_sends_nothing(world):
    lines = _run("--dry-run", "--now", "2026-09-14T09:00", "--tenant", "alpha")
    assert lines[-1] == "sent: 0"
    assert any(line.startswith("would send [alpha] digest") for line in lines)
    assert not Notification.objects.exists() and mail.outbox == []


def test_sends_then_sends_nothing_twice(world):
    lines = _run("--now", "2026-09-14T09:00", "--tenant", "alpha")
    sent = Notification.objects.filter(status=Notification.Status.SENT).count()
    assert sent > 0 and lines[-1] == f"sent: {sent}" and len(mail.outbox) == sent
    assert any(line.startswith("sent [alpha] digest to a-ect@example.org") for line in lines)
    assert _run("--now", "2026-09-14T09:00", "--tenant", "alpha")[-1] == "sent: 0"
    assert len(mail.outbox) == sent


def test_every_tenant_by_default_and_refuses_bad_input(world):
    lines = _run("--now", "2026-09-14T08:30:00+01:00")
    assert lines[-1].startswith("sent: ")
    assert {n.tenant_id for n in Notification.objects.all()} == {world.tenant_a.pk, world.tenant_b.pk}
    with pytest.raises(CommandError, match="ISO 8601"):
        _run("--now", "next monday")
    with pytest.raises(CommandError, match="slug"):
        _run("--tenant", "nobody")
