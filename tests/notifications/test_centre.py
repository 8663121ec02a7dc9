"""The notification centre: every message e-mailed is listed, unread counts, read."""

import pytest

from notifications.factories import NotificationFactory
from notifications.models import Notification
from schools.models import Role

pytestmark = pytest.mark.django_db


def test_the_centre_lists_my_messages_and_counts_the_unread(world, client_for, django_assert_max_num_queries):
    ect = world.people[Role.ECT]
    mine = [NotificationFactory(tenant=world.tenant_a, recipient=ect, title=f"Message {n}",
                                status=Notification.Status.SENT) for n in range(3)]
    NotificationFactory(tenant=world.tenant_a, recipient=world.people[Role.MENTOR], title="Not mine")
    NotificationFactory(tenant=world.tenant_b, recipient=ect, title="Other partner")
    client = client_for(ect)
    with django_assert_max_num_queries(25):
        page = client.get("/notifications/")
    text = page.content.decode()
    assert all(f"Message {n}" in text for n in range(3))
    assert "Not mine" not in text and "Other partner" not in text
    assert '3<span class="govuk-visually-hidden"> unread' in text

    assert client.post(f"/notifications/{mine[0].pk}/read/").status_code == 302
    assert '2<span class="govuk-visually-hidden"> unread' in client.get("/notifications/").content.decode()
    assert client.post("/notifications/read-all/").status_code == 302
    assert "unread" not in client.get("/notifications/preferences/").content.decode().split("<main", 1)[0]
    assert not Notification.objects.filter(recipient=ect, tenant=world.tenant_a, read_at__isnull=True).exists()


def test_the_header_count_is_kept_until_a_message_changes_or_falls_due(world, rf):
    """Every page shows the count: read once (two queries), then from the cache until one
    of the person's messages is written or a pending one's time comes."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from notifications.centre import mark_read, unread_count
    from notifications.scan import scan_tenant
    from notifications.templatetags.notifications import unread_notifications
    from tests.notifications.helpers import MONDAY

    ect = world.people[Role.ECT]
    NotificationFactory(tenant=world.tenant_a, recipient=ect)
    request = rf.get("/")
    request.user, request.tenant = ect, world.tenant_a
    with CaptureQueriesContext(connection) as first:
        assert unread_notifications({"request": request}) == 1
    with CaptureQueriesContext(connection) as again:
        assert unread_notifications({"request": request}) == 1
    assert (len(first), len(again)) == (2, 0)

    NotificationFactory(tenant=world.tenant_a, recipient=ect, status=Notification.Status.SENT)
    assert unread_notifications({"request": request}) == 2
    assert mark_read(tenant=world.tenant_a, user=ect) == 2
    assert unread_notifications({"request": request}) == 0

    # A reminder due later is not listed yet; once its time comes it is, with no write.
    now = timezone.now()
    NotificationFactory(tenant=world.tenant_a, recipient=ect, due_at=now + dt.timedelta(hours=1))
    assert unread_count(tenant=world.tenant_a, user=ect, now=now) == 0
    assert unread_count(tenant=world.tenant_a, user=ect, now=now + dt.timedelta(hours=2)) == 1

    # Rows the scan inserts in bulk (no signals) count at once.
    mentor = world.people[Role.MENTOR]
    before = unread_count(tenant=world.tenant_a, user=mentor, now=MONDAY)
    scan_tenant(world.tenant_a, now=MONDAY, queue=False)
    created = Notification.objects.filter(tenant=world.tenant_a, recipient=mentor, due_at__lte=MONDAY).count()
    assert created > 0
    assert unread_count(tenant=world.tenant_a, user=mentor, now=MONDAY) == before + created


def test_an_email_sent_as_something_happens_is_listed_in_the_centre_too(world, client_for, django_capture_on_commit_callbacks):
    """A booking confirmation (events.services) is e-mailed and listed in the ECT's centre,
    as sent, so one lost to a junk folder is still there; it cannot be switched off."""
    from django.core import mail
    from django.urls import reverse

    from events.services import book_session
    from notifications.models import Kind, Notification
    from tests.events.world import add_events

    events = add_events(world)
    ect = world.people[Role.ECT]
    from events.factories import london
    from django.utils import timezone as tz

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tz, "now", lambda: london(2026, 10, 1, 9, 0))
        with django_capture_on_commit_callbacks(execute=True):
            book_session(actor=ect, session=events.clinic_session, user=ect)
    assert len(mail.outbox) == 1
    listed = Notification.objects.get(recipient=ect, rule="email:event_booked")
    assert (listed.status, listed.kind, listed.tenant_id) == ("sent", Kind.UPDATES, world.tenant_a.pk)
    assert listed.title == mail.outbox[0].subject.removeprefix("[ectalign] ")
    page = client_for(ect).get(reverse("notifications:centre")).content.decode()
    assert "You are booked" in page
