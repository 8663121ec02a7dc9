"""The scan and the send: each reminder once, after commit, retried on failure,
honouring preferences, on London time across the clock changes, tenant by tenant."""

import datetime as dt
import smtplib
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.factories import BookingFactory
from notifications import delivery, tasks
from notifications.models import Kind, Notification
from notifications.rules import RULES_BY_NAME, days_before, local_at
from notifications.scan import candidates, scan_tenant
from schools.models import Role
from tests.notifications.helpers import MONDAY, FlakyBackend

pytestmark = pytest.mark.django_db
UTC = dt.timezone.utc


def _scan(callbacks, tenant, now=MONDAY):
    with callbacks(execute=True):
        return scan_tenant(tenant, now=now)


def test_a_second_scan_sends_nothing_twice(world, eager, django_capture_on_commit_callbacks):
    first = _scan(django_capture_on_commit_callbacks, world.tenant_a)
    assert first.created > 0
    rows = list(Notification.objects.filter(tenant=world.tenant_a))
    assert {r.status for r in rows} == {Notification.Status.SENT}
    assert len(mail.outbox) == len(rows)

    second = _scan(django_capture_on_commit_callbacks, world.tenant_a)
    assert second.created == 0 and second.due == []
    assert Notification.objects.filter(tenant=world.tenant_a).count() == len(rows)
    assert len(mail.outbox) == len(rows)
    # Each (person, message) once.
    assert max(Counter((m.to[0], m.subject) for m in mail.outbox).values()) == 1


def test_the_rows_the_world_needs_on_a_monday(world, eager, django_capture_on_commit_callbacks):
    _scan(django_capture_on_commit_callbacks, world.tenant_a)
    got = {(n.rule, n.recipient.email) for n in Notification.objects.filter(tenant=world.tenant_a)}
    ect, mentor, tutor = (world.people[r].email for r in (Role.ECT, Role.MENTOR, Role.INDUCTION_TUTOR))
    assert {
        ("self_study_overdue", ect), ("coaching_not_logged", mentor), ("coaching_missed_twice", tutor),
        ("digest", ect), ("digest", mentor), ("tutor_summary", tutor),
    } <= got
    # Nobody of the other tenant.
    assert not any(email.startswith("b-") for _, email in got)


def test_nothing_is_sent_before_it_is_due_nor_inside_the_request(world, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = scan_tenant(world.tenant_a, now=MONDAY)
    # Rows are committed first; the sends are queued only when the transaction commits.
    assert result.due and callbacks and mail.outbox == []
    for callback in callbacks:  # the commit: the sends are queued (and the unread counts refreshed)
        callback()
    assert len(mail.outbox) == len(result.due)


def test_a_send_retried_after_a_failure_sends_once(world, eager, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notifications.helpers.FlakyBackend"
    FlakyBackend.failures_left = 1
    result = _scan(django_capture_on_commit_callbacks, world.tenant_a)
    # Inline (eager) tasks do not wait for a retry: the failed row stays pending, its
    # attempt and error recorded, and the next scan's sweep sends it. (The real worker's
    # retry with backoff: test_broker.py.)
    failed = Notification.objects.get(pk__in=result.due, status=Notification.Status.PENDING)
    assert failed.attempts == 1 and failed.sent_at is None
    assert len(mail.outbox) == len(result.due) - 1
    again = _scan(django_capture_on_commit_callbacks, world.tenant_a)
    assert again.created == 0 and again.due == [failed.pk]
    rows = Notification.objects.filter(pk__in=result.due)
    assert {r.status for r in rows} == {Notification.Status.SENT}
    retried = [r for r in rows if r.attempts == 2]
    assert len(retried) == 1 and "SMTPServerDisconnected" in retried[0].last_error
    assert len(mail.outbox) == len(result.due)
    # The task run again for every row (a duplicate message, a replay) sends nothing.
    for row in rows:
        assert tasks.send_notification.apply(args=[row.pk], kwargs={"tenant_id": world.tenant_a.pk}).get() == "nothing"
    assert len(mail.outbox) == len(result.due)


def test_a_send_that_keeps_failing_stops_at_the_limit(world, settings):
    from notifications.factories import NotificationFactory

    settings.EMAIL_BACKEND = "tests.notifications.helpers.FlakyBackend"
    FlakyBackend.failures_left = 100
    row = NotificationFactory(tenant=world.tenant_a, recipient=world.people[Role.ECT])
    for _ in range(delivery.MAX_ATTEMPTS):
        with pytest.raises(smtplib.SMTPException):
            delivery.deliver(row.pk)
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and row.attempts == delivery.MAX_ATTEMPTS and row.sent_at is None
    assert delivery.deliver(row.pk) == delivery.Outcome.NOTHING


def test_the_task_gives_up_after_its_retries(world, eager, settings):
    from notifications.factories import NotificationFactory

    settings.EMAIL_BACKEND = "tests.notifications.helpers.FlakyBackend"
    FlakyBackend.failures_left = 100
    row = NotificationFactory(tenant=world.tenant_a, recipient=world.people[Role.ECT])
    propagates = tasks.app.conf.task_eager_propagates
    tasks.app.conf.task_eager_propagates = False  # let apply() run the retries inline
    try:
        outcome = tasks.send_notification.apply(args=[row.pk], kwargs={"tenant_id": world.tenant_a.pk}).get()
    finally:
        tasks.app.conf.task_eager_propagates = propagates
    assert outcome == "failed"
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and row.attempts == delivery.MAX_ATTEMPTS
    assert mail.outbox == []


# --- London time across the clock changes ---------------------------------------------


@pytest.mark.parametrize("due_day, expected_utc", [
    (dt.date(2026, 10, 27), dt.datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),  # BST ends 25 Oct, 02:00
    (dt.date(2026, 10, 26), dt.datetime(2026, 10, 24, 7, 0, tzinfo=UTC)),  # still BST two days before
    (dt.date(2027, 3, 30), dt.datetime(2027, 3, 28, 7, 0, tzinfo=UTC)),  # BST starts 28 Mar, 01:00
    (dt.date(2027, 3, 29), dt.datetime(2027, 3, 27, 8, 0, tzinfo=UTC)),  # still GMT two days before
])
def test_two_days_before_is_eight_in_the_morning_in_london(due_day, expected_utc):
    assert days_before(due_day, 2) == expected_utc
    assert days_before(due_day, 2).astimezone(local_at(due_day).tzinfo).hour == 8


def test_the_self_study_rule_uses_that_time(world):
    from notifications.rules import TenantData

    ect = world.ects["own"]
    expected_by = TenantData(world.tenant_a, local_at(dt.date(2026, 9, 3))).facts.paths[ect.pk].trackable[0].expected_by
    due = days_before(expected_by, 2)

    def mine(now):
        data = TenantData(world.tenant_a, now)
        return [i for i in RULES_BY_NAME["self_study_due"].collect(data, now) if i.recipient_id == ect.user_id]

    items = mine(due)
    assert [(i.due_at, i.occurrence) for i in items] == [(due, expected_by.isoformat())]
    assert mine(due - dt.timedelta(minutes=1)) == []  # not yet


@pytest.mark.parametrize("starts, seven_days_utc, tomorrow_utc", [
    # A session on Monday 26 October 2026 at 16:00 (GMT): a week before is still BST.
    (dt.datetime(2026, 10, 26, 16, 0, tzinfo=UTC), dt.datetime(2026, 10, 19, 7, 0, tzinfo=UTC),
     dt.datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),
    # A session on Monday 29 March 2027 at 16:00 BST (15:00 UTC): a week before is GMT.
    (dt.datetime(2027, 3, 29, 15, 0, tzinfo=UTC), dt.datetime(2027, 3, 22, 8, 0, tzinfo=UTC),
     dt.datetime(2027, 3, 28, 7, 0, tzinfo=UTC)),
])
def test_event_reminders_across_the_clock_changes(world, eager, django_capture_on_commit_callbacks, starts,
                                                  seven_days_utc, tomorrow_utc):
    ect = world.people[Role.ECT]
    booking = BookingFactory(tenant=world.tenant_a, user=ect, session__starts_at=starts)
    minute = dt.timedelta(minutes=1)
    for rule, due in (("event_in_7_days", seven_days_utc), ("event_tomorrow", tomorrow_utc)):
        _scan(django_capture_on_commit_callbacks, world.tenant_a, now=due - minute)
        assert not Notification.objects.filter(rule=rule, recipient=ect).exists()
        _scan(django_capture_on_commit_callbacks, world.tenant_a, now=due)
        row = Notification.objects.get(rule=rule, recipient=ect)
        assert row.due_at == due and row.status == Notification.Status.SENT
        assert f"/events/sessions/{booking.session.pk}/calendar.ics" in row.body
        assert f"/events/sessions/{booking.session.pk}/" in row.body
    assert len([m for m in mail.outbox if "Tomorrow" in m.subject]) == 1


# --- Preferences, unsubscribe, essential messages -------------------------------------


def test_one_click_unsubscribe_stops_only_that_kind(world, eager, client, django_capture_on_commit_callbacks):
    ect = world.people[Role.ECT]
    _scan(django_capture_on_commit_callbacks, world.tenant_a)
    digest = next(m for m in mail.outbox if ect.email in m.to and "fortnight" in m.subject)
    header = digest.extra_headers["List-Unsubscribe"]
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>").split("127.0.0.1:8000", 1)[1]
    assert url in digest.body

    page = client.get(url)  # a link scanner's GET changes nothing
    assert page.status_code == 200 and b"Stop these e-mails" in page.content
    assert not ect.notification_preferences.exists()
    assert client.post(url).status_code == 200  # RFC 8058: no session, no CSRF token
    assert ect.notification_preferences.get().kind == Kind.DIGEST

    mail.outbox.clear()
    next_fortnight = MONDAY + dt.timedelta(days=14)
    _scan(django_capture_on_commit_callbacks, world.tenant_a, now=next_fortnight)
    digest_row = Notification.objects.get(rule="digest", recipient=ect, occurrence="2026-09-28")
    assert digest_row.status == Notification.Status.SKIPPED
    mine = [m.subject for m in mail.outbox if ect.email in m.to]
    assert not any("fortnight" in s for s in mine)
    # Someone else's digest still goes.
    assert any("fortnight" in m.subject for m in mail.outbox if world.people[Role.MENTOR].email in m.to)


def test_preferences_page_switches_kinds_and_keeps_essential_ones(world, client_for):
    from notifications.preferences import is_enabled

    ect = world.people[Role.ECT]
    client = client_for(ect)
    page = client.get("/notifications/preferences/")
    assert b"Sign-in codes and account security (always on)" in page.content
    kept = [k for k in Kind.values if k not in (Kind.COACHING, Kind.SIGN_IN, Kind.INVITATION)]
    assert client.post("/notifications/preferences/", {"kinds": kept}).status_code == 302
    assert not is_enabled(tenant_id=world.tenant_a.pk, user_id=ect.pk, kind=Kind.COACHING)
    assert is_enabled(tenant_id=world.tenant_a.pk, user_id=ect.pk, kind=Kind.SELF_STUDY)
    assert is_enabled(tenant_id=world.tenant_a.pk, user_id=ect.pk, kind=Kind.SIGN_IN)
    # Another tenant's choices are their own.
    assert is_enabled(tenant_id=world.tenant_b.pk, user_id=ect.pk, kind=Kind.COACHING)
    assert ect.notification_preferences.get(kind=Kind.COACHING).history.count() == 1


def test_essential_messages_arrive_whatever_the_preferences(world, client):
    from notifications.factories import NotificationFactory, NotificationPreferenceFactory
    from notifications.preferences import PreferenceError, set_preference, unsubscribe_token

    ect = world.people[Role.ECT]
    with pytest.raises(PreferenceError):
        set_preference(tenant_id=world.tenant_a.pk, user_id=ect.pk, kind=Kind.INVITATION, enabled=False)
    token = unsubscribe_token(tenant_id=world.tenant_a.pk, user_id=ect.pk, kind=Kind.SIGN_IN)
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 404
    assert client.get("/notifications/unsubscribe/not-a-token/").status_code == 404
    # Even a stored "off" (made before the kind became essential) does not stop it.
    NotificationPreferenceFactory(tenant=world.tenant_a, user=ect, kind=Kind.INVITATION, enabled=False)
    row = NotificationFactory(tenant=world.tenant_a, recipient=ect, kind=Kind.INVITATION, rule="invitation")
    assert delivery.deliver(row.pk) == delivery.Outcome.SENT
    assert "List-Unsubscribe" not in mail.outbox[-1].extra_headers


# --- Tenancy ---------------------------------------------------------------------------


def test_a_tenants_job_reads_its_tenant_alone(world, scoped):
    """Run under a real scope: the scan opens its tenant's scope; another tenant's row
    cannot even be read by a task running for this tenant."""
    from django_scopes import scopes_disabled

    from notifications.factories import NotificationFactory

    result = scan_tenant(world.tenant_a, now=MONDAY)
    with scopes_disabled():
        recipients = set(Notification.objects.filter(pk__in=result.due).values_list("recipient__email", flat=True))
        other = NotificationFactory(tenant=world.tenant_b, recipient=world.outsiders[Role.ECT])
    assert recipients and not any(email.startswith("b-") for email in recipients)
    outcome = tasks.send_notification.apply(args=[other.pk], kwargs={"tenant_id": world.tenant_a.pk}).get()
    assert outcome == "nothing"
    with scopes_disabled():
        other.refresh_from_db()
    assert other.status == Notification.Status.PENDING and mail.outbox == []


def _scan_queries(world):
    with CaptureQueriesContext(connection) as queries:
        candidates(world.tenant_a, MONDAY)
    return len(queries)


def _add_ect_and_mentor(world, school):
    """An ECT and their mentor at ``school``, starting with the world's ECT."""
    from participants.models import ECT, ECTAtSchool, Mentor, MentorAtSchool, Mentorship
    from schools.factories import MembershipFactory

    own, tenant = world.ects["own"], world.tenant_a
    ect_user = MembershipFactory(tenant=tenant, school=school, role=Role.ECT).user
    mentor_user = MembershipFactory(tenant=tenant, school=school, role=Role.MENTOR).user
    ect = ECT.objects.create(tenant=tenant, user=ect_user, induction_start=own.induction_start, cohort=own.cohort)
    ECTAtSchool.objects.create(tenant=tenant, ect=ect, school=school, started_on=own.induction_start)
    mentor = Mentor.objects.create(tenant=tenant, user=mentor_user, cohort=own.cohort)
    MentorAtSchool.objects.create(tenant=tenant, mentor=mentor, school=school, started_on=own.induction_start)
    Mentorship.objects.create(tenant=tenant, ect=ect, mentor=mentor, started_on=own.induction_start)


def test_the_scan_reads_a_fixed_number_of_queries(world):
    """More ECTs and mentors at a school: the same number of queries."""
    _scan_queries(world)
    before = _scan_queries(world)
    for _ in range(4):
        _add_ect_and_mentor(world, world.school_a1)
    _scan_queries(world)
    assert _scan_queries(world) == before


def test_more_schools_with_their_own_dates_and_people_cost_no_more_queries(world):
    """The rules read every school's calendar, statutory schedule, onboarding deadline
    and terms for the whole delivery partner at once, not school by school."""
    from programme.schedule import standard_calendar
    from schools.factories import MembershipFactory, SchoolFactory
    from schools.services import set_term_dates

    _scan_queries(world)
    before = _scan_queries(world)
    for _ in range(3):
        school = SchoolFactory(tenant=world.tenant_a)
        set_term_dates(actor=world.people[Role.DP_ADMIN], tenant=world.tenant_a, school=school, academic_year=2026,
                       terms=standard_calendar(2026).terms)
        for role in (Role.INDUCTION_TUTOR, Role.HEADTEACHER):
            MembershipFactory(tenant=world.tenant_a, school=school, role=role)
        _add_ect_and_mentor(world, school)
    _scan_queries(world)
    assert _scan_queries(world) == before
