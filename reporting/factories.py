from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from participants.factories import ECTAtSchoolFactory
from reporting.models import ECTTermTimetable, ReleaseTimeBatch, StandardTimetable
from schools.factories import SchoolFactory, TenantFactory


class StandardTimetableFactory(DjangoModelFactory):
    """A school's standard timetable of 22.5 hours a week in 2026 to 2027."""

    class Meta:
        model = StandardTimetable

    school = factory.SubFactory(SchoolFactory)
    tenant = factory.SelfAttribute("school.tenant")
    academic_year = 2026
    hours = Decimal("22.50")


class ECTTermTimetableFactory(DjangoModelFactory):
    """A full-time ECT's autumn term 2026 at their school: 20 hours of teaching a week
    and an hour of mentor time."""

    class Meta:
        model = ECTTermTimetable

    school = factory.SubFactory(SchoolFactory)
    tenant = factory.SelfAttribute("school.tenant")
    ect = factory.LazyAttribute(lambda row: ECTAtSchoolFactory(school=row.school).ect)
    academic_year = 2026
    term = 1
    fte = Decimal("1.00")
    teaching_hours = Decimal("20.00")
    mentor_hours = Decimal("1.00")


class ReleaseTimeBatchFactory(DjangoModelFactory):
    """A finished batch for the autumn term 2026 (a tiny ZIP standing in for the reports)."""

    class Meta:
        model = ReleaseTimeBatch

    tenant = factory.SubFactory(TenantFactory)
    academic_year = 2026
    term = 1
    status = ReleaseTimeBatch.Status.DONE
    schools_total = 1
    schools_done = 1
    filename = "release-time-reports-2026-autumn.zip"
    # An empty ZIP archive: the end-of-central-directory record alone.
    content = b"PK\x05\x06" + b"\x00" * 18


# --- Engagement snapshots ------------------------------------------------------------------

import datetime as dt  # noqa: E402 (appended section)

from django.utils import timezone  # noqa: E402

from reporting.models import EngagementRefresh, EngagementSnapshot  # noqa: E402


class EngagementSnapshotFactory(DjangoModelFactory):
    """A full-time year-1 ECT on track on Monday 23 November 2026: 5 of 5 modules, 11 of 11
    cycles, 1 of 1 events this term; within the release-time ceiling; onboarded."""

    class Meta:
        model = EngagementSnapshot

    school = factory.SubFactory(SchoolFactory)
    tenant = factory.SelfAttribute("school.tenant")
    ect = factory.LazyAttribute(lambda row: ECTAtSchoolFactory(school=row.school).ect)
    mentor = None
    user = factory.SelfAttribute("ect.user")
    kind = EngagementSnapshot.Kind.ECT
    cohort = factory.SelfAttribute("ect.cohort")
    on = dt.date(2026, 11, 23)
    level = EngagementSnapshot.Level.GREEN
    term_starts_on = dt.date(2026, 9, 1)
    term_self_study_expected = 5
    term_self_study_done = 5
    term_cycles_expected = 11
    term_cycles_logged = 11
    term_observations = 11
    term_steps_recorded = 11
    term_events_expected = 1
    term_events_attended = 1
    total_self_study_expected = 5
    total_self_study_done = 5
    total_cycles_expected = 11
    total_cycles_logged = 11
    total_observations = 11
    total_steps_recorded = 11
    total_events_expected = 1
    total_events_attended = 1
    release_time_status = "within"
    mentor_time_status = "meets"
    onboarded = True


class EngagementRefreshFactory(DjangoModelFactory):
    """A finished run of the figures for Monday 23 November 2026 (two schools)."""

    class Meta:
        model = EngagementRefresh

    tenant = factory.SubFactory(TenantFactory)
    on = dt.date(2026, 11, 23)
    status = EngagementRefresh.Status.DONE
    schools_total = 2
    schools_done = 2
    finished_at = factory.LazyFunction(timezone.now)
