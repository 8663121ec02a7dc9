"""The engagement snapshots behind the delivery partner's reports (reporting.snapshots):
one row per person and school with the engagement selector's own numbers, replaced (not
duplicated) when the day is recorded again, each tenant's job reading its tenant alone;
the runs of the job with their progress, eagerly (the embedded default) and on a real
worker over a real Redis broker (a database of the test process's own).

The world on Monday 23 November 2026 (tests/conftest.py): school A1 has its ECT (from
2 September, mentored by A1's mentor) and the mentor; A2 has an ECT with no mentor;
tenant B's school B1 has its own ECT and mentor. Nobody has ticked the world's module
(due 11 September) and no coaching was logged except where a test logs it."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from coaching.factories import MeetingFactory
from events.factories import london
from events.services import book_session, mark_attendance
from participants.factories import OnboardingFactory
from participants.models import Mentor
from reporting import dashboard, engagement, snapshots
from reporting.factories import ECTTermTimetableFactory, StandardTimetableFactory
from reporting.models import EngagementRefresh, EngagementSnapshot
from reporting.snapshot_tasks import refresh_engagement, refresh_engagement_everywhere
from schools.factories import SchoolFactory, TenantFactory
from schools.models import Role
from tests.events.world import add_events
from tests.jobs.conftest import broker, broker_url, celery_worker  # noqa: F401 (fixtures: a real worker)

MONDAY = dt.date(2026, 11, 23)
COUNTS = (
    "self_study_expected", "self_study_done", "cycles_expected", "cycles_logged", "observations",
    "steps_recorded", "events_expected", "events_attended",
)


@pytest.fixture(autouse=True)
def monday(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: MONDAY)


def _activity(world):
    """The A1 ECT attended Clinic 1 (4 November) and had one coaching meeting (the cycle
    of 16 November); they and their mentor have onboarded; the school recorded its
    standard timetable and the ECT's teaching hours for the autumn term (within the
    ceiling)."""
    ect = world.ects["own"]
    mentor = Mentor.objects.get(user=world.people[Role.MENTOR])
    events = add_events(world)
    booking = book_session(actor=ect.user, session=events.clinic_session, user=ect.user,
                           now=london(2026, 10, 1, 9, 0))
    mark_attendance(actor=world.people[Role.FACILITATOR], session=events.clinic_session,
                    marks={booking.pk: "present"}, now=london(2026, 11, 4, 17, 30))
    MeetingFactory(tenant=world.tenant_a, ect=ect, mentor=mentor, cycle_starts_on=dt.date(2026, 11, 16),
                   met_on=dt.date(2026, 11, 19))
    for user in (ect.user, mentor.user):
        OnboardingFactory(tenant=world.tenant_a, user=user)
    StandardTimetableFactory(school=world.school_a1, hours="22.5")
    ECTTermTimetableFactory(school=world.school_a1, ect=ect, teaching_hours="20.25")
    return ect, mentor


@pytest.mark.django_db
def test_one_row_per_person_with_the_selectors_numbers(world):
    ect, mentor = _activity(world)

    written = snapshots.record_snapshots(tenant_id=world.tenant_a.pk, on=MONDAY)

    rows = {(r.school_id, r.kind, r.user_id): r for r in EngagementSnapshot.objects.all()}
    # A1: its ECT and mentor; A2: its ECT. Nobody of tenant B.
    assert written == 3
    assert set(rows) == {
        (world.school_a1.pk, "ect", ect.user_id),
        (world.school_a1.pk, "mentor", mentor.user_id),
        (world.school_a2.pk, "ect", world.ects["sibling"].user_id),
    }
    own = rows[(world.school_a1.pk, "ect", ect.user_id)]
    # By hand: the world's one module was due on 11 September, not ticked: 0 of 1. The
    # cycles over by Monday 23 November are those of the 11 teaching weeks from 31 August
    # to 16 November (coaching.cycles, weekly in year 1): one meeting logged (16 November).
    # Clinic 1 on 4 November, attended: 1 of 1. The term began on 1 September (the
    # standard calendar); the ECT started on 2 September, so "since the start" is the same.
    assert (own.term_self_study_expected, own.term_self_study_done) == (1, 0)
    assert (own.term_cycles_expected, own.term_cycles_logged) == (11, 1)
    assert (own.term_events_expected, own.term_events_attended) == (1, 1)
    assert (own.total_cycles_expected, own.total_cycles_logged) == (11, 1)
    assert own.term_starts_on == dt.date(2026, 9, 1) and own.on == MONDAY
    assert own.level == "red"
    assert {"level": "red", "area": "self_study", "text": "self-study: 1 module overdue by 73 days"} in own.reasons
    assert own.release_time_status == "within" and own.mentor_time_status == "meets"
    assert own.onboarded and own.is_main_school
    assert own.cohort_id == ect.cohort_id and own.ect_id == ect.pk and own.mentor_id is None

    # Every count is the engagement selector's, as the school's dashboard shows it.
    for school in (world.school_a1, world.school_a2):
        start = dashboard.term_start(school, MONDAY)
        _, results = engagement.school_engagement(school, start=start, on=MONDAY)
        for result in results:
            row = rows[(school.pk, result.kind, result.user.pk)]
            assert {name: getattr(row, f"term_{name}") for name in COUNTS} == {
                name: getattr(result, name) for name in COUNTS
            }
            assert row.level == result.level
            assert row.reasons == [{"level": r.level, "area": r.area, "text": r.text} for r in result.sorted_reasons]
            assert row.catch_up_outstanding == len(result.catch_up_outstanding)

    mentor_row = rows[(world.school_a1.pk, "mentor", mentor.user_id)]
    assert (mentor_row.term_cycles_expected, mentor_row.term_cycles_logged) == (11, 1)  # their ECT's cycles
    assert mentor_row.release_time_status == "" and mentor_row.onboarded
    sibling = rows[(world.school_a2.pk, "ect", world.ects["sibling"].user_id)]
    assert sibling.release_time_status == "missing"  # nothing recorded: missing, never compliant
    assert not sibling.onboarded


@pytest.mark.django_db
def test_recording_the_same_day_again_replaces_the_rows(world):
    snapshots.record_snapshots(tenant_id=world.tenant_a.pk, on=MONDAY)
    first = set(EngagementSnapshot.objects.values_list("pk", flat=True))
    ect, _ = _activity(world)

    snapshots.record_snapshots(tenant_id=world.tenant_a.pk, on=MONDAY)

    rows = EngagementSnapshot.objects.all()
    assert rows.count() == 3  # not 6
    assert not first & set(rows.values_list("pk", flat=True))
    assert rows.get(user=ect.user, kind="ect").term_cycles_logged == 1  # the new figures
    # Another day is kept beside it, and one school alone can be recorded.
    snapshots.record_snapshots(tenant_id=world.tenant_a.pk, on=MONDAY + dt.timedelta(days=1),
                               school_ids=[world.school_a2.pk])
    assert sorted(EngagementSnapshot.objects.values_list("on", "school__name")) == [
        (MONDAY, "Alder Primary"), (MONDAY, "Alder Primary"), (MONDAY, "Aspen Academy"),
        (MONDAY + dt.timedelta(days=1), "Aspen Academy"),
    ]


@pytest.mark.django_db
def test_a_mentor_at_two_schools_counts_once_in_totals(world):
    from participants.models import MentorAtSchool

    mentor = Mentor.objects.get(user=world.people[Role.MENTOR])
    MentorAtSchool.objects.create(tenant=world.tenant_a, mentor=mentor, school=world.school_a2,
                                  started_on=dt.date(2026, 10, 1))

    snapshots.record_snapshots(tenant_id=world.tenant_a.pk, on=MONDAY)

    rows = EngagementSnapshot.objects.filter(kind="mentor").order_by("school__name")
    # At both schools (each school's report counts them); A1, where they started first, is their main school.
    assert [(r.school.name, r.is_main_school) for r in rows] == [("Alder Primary", True), ("Aspen Academy", False)]


@pytest.mark.django_db
def test_the_tenants_job_reads_its_tenant_alone(world, scoped, django_capture_on_commit_callbacks):
    """Run as the job runs (TenantTask: tenant A's scope, eagerly), with tenant B's
    people judged on the same day: nothing of B is read into A's figures or written."""
    with scope(tenant=world.tenant_b.pk):
        b_rows_before = EngagementSnapshot.objects.count()
    assert refresh_engagement.delay(tenant_id=world.tenant_a.pk).get() == EngagementRefresh.Status.DONE

    with scope(tenant=world.tenant_a.pk):
        rows = list(EngagementSnapshot.objects.select_related("school", "user"))
        assert {r.school.name for r in rows} == {"Alder Primary", "Aspen Academy"}
        assert all(r.tenant_id == world.tenant_a.pk and r.school.tenant_id == world.tenant_a.pk for r in rows)
        assert world.outsiders[Role.ECT].pk not in {r.user_id for r in rows}
        refresh = EngagementRefresh.objects.get()
        assert (refresh.status, refresh.schools_done, refresh.schools_total) == ("done", 2, 2)
        assert refresh.requested_by is None  # the nightly kind: nobody asked
    with scope(tenant=world.tenant_b.pk):
        assert EngagementSnapshot.objects.count() == b_rows_before == 0
        assert not EngagementRefresh.objects.exists()


@pytest.mark.django_db
def test_the_nightly_task_refreshes_every_active_tenant(world):
    asleep = TenantFactory(name="Dormant Delivery Partner", slug="dormant", is_active=False)
    SchoolFactory(tenant=asleep)

    assert refresh_engagement_everywhere.delay().get() == 2

    by_tenant = {}
    for tenant_id, school_tenant_id in EngagementSnapshot.objects.values_list("tenant_id", "school__tenant_id"):
        assert tenant_id == school_tenant_id
        by_tenant[tenant_id] = by_tenant.get(tenant_id, 0) + 1
    assert by_tenant == {world.tenant_a.pk: 3, world.tenant_b.pk: 2}
    assert not EngagementRefresh.objects.filter(tenant=asleep).exists()


def test_the_nightly_task_is_scheduled_early_every_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-engagement-figures"]
    assert entry["task"] == refresh_engagement_everywhere.name
    assert entry["schedule"].hour == {4} and entry["schedule"].minute == {30}
    assert settings.CELERY_TIMEZONE == "Europe/London"


@pytest.mark.django_db
def test_staff_refresh_now_and_the_report_shows_the_new_figures(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.user(Role.DP_STAFF))
    before = client.get(reverse("partner_reports:schools")).content.decode()
    assert "There are no figures yet" in before

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("partner_reports:refresh"), {"next": "cohorts"})
    assert len(callbacks) == 1  # queued once, after the run is saved
    assert response.status_code == 302 and response["Location"] == reverse("partner_reports:cohorts")

    refresh = EngagementRefresh.objects.get()
    assert (refresh.status, refresh.schools_done, refresh.requested_by) == ("done", 2, world.user(Role.DP_STAFF))
    page = client.get(reverse("partner_reports:schools")).content.decode()
    assert "Figures as of" in page and "Alder Primary" in page and "Aspen Academy" in page
    assert "data-poll-url" not in page  # finished: nothing to check again


@pytest.mark.django_db
def test_a_refresh_under_way_shows_its_progress_and_is_not_started_twice(world, client_for,
                                                                         django_capture_on_commit_callbacks):
    running = EngagementRefresh.objects.create(tenant=world.tenant_a, on=MONDAY, status="running",
                                               schools_total=4, schools_done=1)
    client = client_for(world.user(Role.DP_ADMIN))
    page = client.get(reverse("partner_reports:schools")).content.decode()
    status_url = reverse("partner_reports:refresh_status")
    assert "1 of 4 schools done (25%)." in page
    assert f'data-poll-url="{status_url}?table=schools&amp;shown="' in page and "js/progress.js" in page

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("partner_reports:refresh"))
    assert callbacks == [] and EngagementRefresh.objects.count() == 1
    fragment = client.get(status_url, {"table": "schools", "shown": ""}).content.decode()
    assert fragment.lstrip().startswith('<div id="figures-status"') and "<html" not in fragment

    # Finished: the fragment stops asking and offers the new figures.
    snapshots.record_snapshots(tenant_id=world.tenant_a.pk, on=MONDAY)
    EngagementRefresh.objects.filter(pk=running.pk).update(status="done", schools_done=4, finished_at=timezone.now())
    fragment = client.get(status_url, {"table": "schools", "shown": ""}).content.decode()
    assert "data-poll-url" not in fragment and "Show the new figures" in fragment


@pytest.mark.django_db
def test_a_failed_run_is_recorded_and_the_last_figures_stay(world, monkeypatch, client_for,
                                                            django_capture_on_commit_callbacks):
    client = client_for(world.user(Role.DP_STAFF))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partner_reports:refresh"))  # eager: done

    def fail(**kwargs):
        raise OSError("database went away")

    monkeypatch.setattr(snapshots, "record_snapshots", fail)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partner_reports:refresh"))
    page = client.get(reverse("partner_reports:schools")).content.decode()
    failed = EngagementRefresh.objects.order_by("-pk").first()
    assert failed.status == "failed" and "database went away" not in failed.error
    assert "Refresh failed" in page and "The figures could not be worked out." in page
    assert "Alder Primary" in page  # the last finished run's figures are still shown


@pytest.mark.django_db
def test_old_snapshots_are_removed_after_a_run(world):
    from reporting.factories import EngagementSnapshotFactory

    old = EngagementSnapshotFactory(school=world.school_a1, on=MONDAY - dt.timedelta(days=snapshots.KEEP_DAYS + 1))
    kept = EngagementSnapshotFactory(school=world.school_a1, on=MONDAY - dt.timedelta(days=snapshots.KEEP_DAYS))
    refresh = snapshots.create_refresh(tenant_id=world.tenant_a.pk)
    snapshots.run_refresh(refresh_id=refresh.pk, tenant_id=world.tenant_a.pk)
    assert not EngagementSnapshot.objects.filter(pk=old.pk).exists()
    assert EngagementSnapshot.objects.filter(pk=kept.pk).exists()


# --- A real worker over a real broker ---------------------------------------------------------


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_the_snapshots(world, celery_worker):
    refresh, started = snapshots.start_refresh(actor=world.user(Role.DP_STAFF), tenant_id=world.tenant_a.pk)
    assert started
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        refresh.refresh_from_db()
        if refresh.is_finished:
            break
        time.sleep(0.2)
    assert refresh.status == EngagementRefresh.Status.DONE, refresh.error
    assert refresh.schools_done == refresh.schools_total == 2
    assert EngagementSnapshot.objects.filter(tenant=world.tenant_a).count() == 3
    assert not EngagementSnapshot.objects.filter(tenant=world.tenant_b).exists()
