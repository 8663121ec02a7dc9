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
