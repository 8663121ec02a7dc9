"""Calendars read for many schools at once (schools.selectors.CalendarBook), and the
batch computations that share work between schools with the same calendars: a school
with its own dates must never be given another school's results."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coaching.selectors import coaching_states, with_coaching_facts
from ectalign.factories import UserFactory
from induction.selectors import school_rows, tenant_rows
from participants.models import ECT, ECTAtSchool
from programme.progress import ect_paths
from schools.factories import SchoolFactory
from schools.models import Role
from schools.selectors import CalendarBook, calendar_for
from schools.services import set_term_dates
from tests.programme.test_term_dates import year_2026

pytestmark = pytest.mark.django_db

D = dt.date
ON = D(2026, 12, 1)


def late_autumn_2026():
    """A school year whose autumn term starts a week after the standard one (and ends
    two days earlier), so everything dated from it moves."""
    return year_2026(autumn_starts_on=D(2026, 9, 9), autumn_ends_on=D(2026, 12, 16))


@pytest.fixture
def own_dates(world):
    """School A2 (the sibling ECT's) sets its own 2026-27 dates; A1 keeps the defaults."""
    set_term_dates(actor=world.people[Role.INDUCTION_TUTOR], tenant=world.tenant_a, school=world.school_a2,
                   academic_year=2026, terms=late_autumn_2026())
    return world


def test_one_read_for_every_school_and_schools_without_dates_share_a_reader(own_dates):
    world = own_dates
    third = SchoolFactory(tenant=world.tenant_a)
    book = CalendarBook(tenant_id=world.tenant_a.pk, school_ids=[world.school_a1.pk, world.school_a2.pk, third.pk])
    with CaptureQueriesContext(connection) as queries:
        a1, a2, a3 = (book.reader(s.pk) for s in (world.school_a1, world.school_a2, third))
        years = [a(year) for a in (a1, a2, a3) for year in range(2025, 2031)]
    assert len(queries) == 2 and len(years) == 18
    assert a1 is a3 and a1 is not a2  # the same calendars, the same reader
    assert a2(2026).source == "school" and a2(2026).term(1).starts_on == D(2026, 9, 9)
    assert a1(2026).source == "standard" and a1(2026).term(1).starts_on != D(2026, 9, 9)
    assert a2(2027) == a1(2027)  # no dates of its own that year: the same as everyone
    # The one-school read says the same as the book.
    assert calendar_for(school=world.school_a2, academic_year=2026) == a2(2026)
    with pytest.raises(KeyError):
        book.calendar(SchoolFactory(tenant=world.tenant_a).pk, 2026)  # not read into this book


def test_release_schedules_in_one_batch_follow_each_schools_dates(own_dates):
    world = own_dates
    own, sibling = world.ects["own"], world.ects["sibling"]
    ects = with_coaching_facts(ECT.objects.filter(pk__in=[own.pk, sibling.pk]))
    together = ect_paths(ects, today=ON)
    alone = ect_paths(with_coaching_facts(ECT.objects.filter(pk=sibling.pk)), today=ON)
    first = {pk: path.trackable[0].expected_by for pk, path in together.items()}
    assert first[sibling.pk] != first[own.pk]
    assert first[sibling.pk] == alone[sibling.pk].trackable[0].expected_by


def test_coaching_cycles_in_one_batch_follow_each_schools_dates(own_dates):
    world = own_dates
    own, sibling = world.ects["own"], world.ects["sibling"]
    states = coaching_states(with_coaching_facts(ECT.objects.filter(pk__in=[own.pk, sibling.pk])), on=ON)
    assert states[own.pk].cycles[0].starts_on < D(2026, 9, 7)
    assert states[sibling.pk].cycles[0].starts_on == D(2026, 9, 7)  # the week of 9 September


def test_statutory_schedules_in_one_batch_follow_each_schools_dates_and_records(own_dates, world):
    from induction.factories import ProgressReviewFactory

    own, sibling = world.ects["own"], world.ects["sibling"]
    twin = ECT.objects.create(tenant=world.tenant_a, user=UserFactory(),
                              induction_start=own.induction_start, cohort=own.cohort)
    ECTAtSchool.objects.create(tenant=world.tenant_a, ect=twin, school=world.school_a1, started_on=own.induction_start)
    ProgressReviewFactory(tenant=world.tenant_a, ect=own, term=1)
    rows = {ect.pk: (school_id, schedule) for ect, school_id, schedule in tenant_rows(tenant_id=world.tenant_a.pk, on=ON)}
    assert rows[own.pk][0] == world.school_a1.pk and rows[sibling.pk][0] == world.school_a2.pk
    assert world.ects["other"].pk not in rows  # another delivery partner's ECT
    first = {pk: schedule.items[0] for pk, (_, schedule) in rows.items()}
    assert first[sibling.pk].due_on == D(2026, 12, 16) and first[own.pk].due_on == D(2026, 12, 18)
    # The twin shares the own ECT's dates, not its record.
    assert first[twin.pk].due_on == first[own.pk].due_on
    assert first[own.pk].status == "done" and first[twin.pk].status == "due"


def test_an_ect_who_moved_school_is_listed_at_the_new_school(world):
    own = world.ects["own"]
    ECTAtSchool.objects.filter(ect=own).update(ended_on=D(2026, 10, 31))
    ECTAtSchool.objects.create(tenant=world.tenant_a, ect=own, school=world.school_a2, started_on=D(2026, 11, 2))
    assert own.pk in {ect.pk for ect, _ in school_rows(school=world.school_a2, on=ON)}
    assert own.pk not in {ect.pk for ect, _ in school_rows(school=world.school_a1, on=ON)}
    rows = {ect.pk: school_id for ect, school_id, _ in tenant_rows(tenant_id=world.tenant_a.pk, on=ON)}
    assert rows[own.pk] == world.school_a2.pk
