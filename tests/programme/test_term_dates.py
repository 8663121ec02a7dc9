"""Term dates: saving a year through the service, the rules that refuse bad dates (each
message, nothing saved), and where a school's calendar comes from."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ectalign.factories import UserFactory
from programme.schedule import ModuleSlot, release_schedule
from schools import selectors
from schools.factories import InsetDayFactory, SchoolFactory, TenantFactory, TermDatesFactory
from schools.models import InsetDay, TermDates
from schools.services import SchoolsError, TermDatesError, reset_term_dates, set_term_dates

pytestmark = pytest.mark.django_db

D = datetime.date


def year_2026(**changes):
    """A valid 2026-27 set (the test school's dates); ``changes`` replace single dates,
    keyed like the form fields: ``spring_starts_on=...``."""
    terms = [
        {"term": 1, "starts_on": D(2026, 9, 2), "ends_on": D(2026, 12, 18),
         "half_term_starts_on": D(2026, 10, 26), "half_term_ends_on": D(2026, 10, 30)},
        {"term": 2, "starts_on": D(2027, 1, 5), "ends_on": D(2027, 3, 26),
         "half_term_starts_on": D(2027, 2, 15), "half_term_ends_on": D(2027, 2, 19)},
        {"term": 3, "starts_on": D(2027, 4, 12), "ends_on": D(2027, 7, 21),
         "half_term_starts_on": D(2027, 5, 31), "half_term_ends_on": D(2027, 6, 4)},
    ]
    seasons = {"autumn": 0, "spring": 1, "summer": 2}
    for key, value in changes.items():
        season, field = key.split("_", 1)
        terms[seasons[season]][field] = value
    return terms


INSET_2026 = [D(2026, 9, 2), D(2027, 1, 5)]


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def tutor():
    return UserFactory()


def save(school, actor, terms=None, inset_days=INSET_2026, year=2026):
    return set_term_dates(
        actor=actor, tenant=school.tenant, school=school, academic_year=year,
        terms=terms if terms is not None else year_2026(), inset_days=inset_days,
    )


def snapshot(school):
    return (
        sorted(
            TermDates.objects.filter(school=school).values_list(
                "term", "starts_on", "ends_on", "half_term_starts_on", "half_term_ends_on"
            )
        ),
        sorted(InsetDay.objects.filter(school=school).values_list("date", flat=True)),
    )


# --- Saving -----------------------------------------------------------------------------


def test_a_school_saves_a_year_and_its_calendar_follows(school, tutor):
    save(school, tutor)
    calendar = selectors.calendar_for(school=school, academic_year=2026)
    assert calendar.source == "school" and not calendar.provisional
    assert [(t.number, t.starts_on, t.ends_on) for t in calendar.terms] == [
        (1, D(2026, 9, 2), D(2026, 12, 18)), (2, D(2027, 1, 5), D(2027, 3, 26)), (3, D(2027, 4, 12), D(2027, 7, 21)),
    ]
    assert calendar.inset_days == frozenset(INSET_2026)
    autumn = TermDates.objects.get(school=school, term=1)
    assert autumn.history.get().history_user == tutor


def test_amending_updates_the_rows_in_place_and_keeps_their_history(school, tutor):
    save(school, tutor)
    autumn = TermDates.objects.get(school=school, term=1)
    save(school, tutor, year_2026(autumn_half_term_starts_on=D(2026, 10, 19)), inset_days=[D(2026, 9, 2)])
    amended = TermDates.objects.get(school=school, term=1)
    assert amended.pk == autumn.pk
    assert amended.half_term_starts_on == D(2026, 10, 19)
    assert amended.history.count() == 2
    assert TermDates.objects.get(school=school, term=2).history.count() == 1  # unchanged: not re-saved
    assert list(InsetDay.objects.filter(school=school).values_list("date", flat=True)) == [D(2026, 9, 2)]


def test_another_tenants_school_is_refused(school, tutor):
    with pytest.raises(SchoolsError, match="another delivery partner"):
        set_term_dates(actor=tutor, tenant=TenantFactory(), school=school, academic_year=2026, terms=year_2026())
    assert not TermDates.objects.exists()


# --- The rules ------------------------------------------------------------------------

REFUSED = {
    "overlap": (
        year_2026(spring_starts_on=D(2026, 12, 10)),
        INSET_2026,
        {"spring_starts_on": [
            "The spring term starts on 10 December 2026, before the autumn term ends on 18 December 2026: "
            "terms run in order without overlapping, so choose a first day after 18 December 2026."
        ]},
    ),
    "backwards": (
        year_2026(autumn_ends_on=D(2026, 9, 1)),
        INSET_2026,
        {"autumn_ends_on": [
            "The autumn term's last day, 1 September 2026, is before its first day, 2 September 2026: "
            "change the last day to a date after the first."
        ]},
    ),
    "outside the academic year": (
        year_2026(summer_ends_on=D(2027, 8, 2)),
        INSET_2026,
        {"summer_ends_on": [
            "The summer term's last day, 2 August 2027, is outside the 2026 to 2027 academic year: "
            "choose a date from 1 August 2026 to 31 July 2027."
        ]},
    ),
    "half-term outside its term": (
        year_2026(autumn_half_term_starts_on=D(2026, 12, 14), autumn_half_term_ends_on=D(2026, 12, 22)),
        INSET_2026,
        {"autumn_half_term_ends_on": [
            "The autumn half-term's last day, 22 December 2026, is outside the autumn term "
            "(2 September 2026 to 18 December 2026): the half-term falls inside its term, so choose a day "
            "inside it or correct the term's dates."
        ]},
    ),
    "half-term with one day": (
        year_2026(spring_half_term_ends_on=None),
        INSET_2026,
        {"spring_half_term_ends_on": [
            "Enter both the first and last day of the spring half-term, or leave both empty."
        ]},
    ),
    "half-term backwards": (
        year_2026(summer_half_term_starts_on=D(2027, 6, 4), summer_half_term_ends_on=D(2027, 5, 31)),
        INSET_2026,
        {"summer_half_term_ends_on": [
            "The summer half-term's last day, 31 May 2027, is before its first day, 4 June 2027: "
            "change the last day to a date after the first."
        ]},
    ),
    "INSET day in the holidays": (
        year_2026(),
        [D(2026, 12, 23)],
        {"inset_days": [
            "The INSET day 23 December 2026 is not in a term: INSET days fall inside a term. "
            "Remove it or correct the date."
        ]},
    ),
    "INSET day in half-term": (
        year_2026(),
        [D(2026, 10, 28)],
        {"inset_days": [
            "The INSET day 28 October 2026 is in the autumn half-term: INSET days are school days. "
            "Remove it or correct the date."
        ]},
    ),
    "INSET day at a weekend": (
        year_2026(),
        [D(2026, 9, 5)],
        {"inset_days": [
            "The INSET day 5 September 2026 is a Saturday: INSET days are school days. Remove it or correct the date."
        ]},
    ),
    "a term missing": (
        year_2026()[:2],
        INSET_2026,
        {"summer_starts_on": ["Enter the first and last day of the summer term."]},
    ),
}


@pytest.mark.parametrize("terms,inset_days,errors", list(REFUSED.values()), ids=list(REFUSED))
def test_bad_dates_are_refused_with_a_message_and_nothing_is_saved(school, tutor, terms, inset_days, errors):
    with pytest.raises(TermDatesError) as refused:
        save(school, tutor, terms, inset_days)
    assert refused.value.errors == errors
    assert str(refused.value) == " ".join(m for ms in errors.values() for m in ms)
    assert not TermDates.objects.exists() and not InsetDay.objects.exists()


def test_a_refused_amendment_leaves_the_saved_dates_as_they_were(school, tutor):
    save(school, tutor)
    before = snapshot(school)
    with pytest.raises(TermDatesError):
        save(school, tutor, year_2026(spring_starts_on=D(2026, 12, 10)), inset_days=[D(2026, 9, 3)])
    assert snapshot(school) == before


def test_several_problems_are_reported_together(school, tutor):
    # Autumn starts before the academic year, summer overlaps spring, and the INSET day
    # is a Saturday (26 Dec 2026).
    with pytest.raises(TermDatesError) as refused:
        terms = year_2026(autumn_starts_on=D(2026, 7, 20), summer_starts_on=D(2027, 3, 1))
        save(school, tutor, terms, [D(2026, 12, 26)])
    assert set(refused.value.errors) == {"autumn_starts_on", "summer_starts_on", "inset_days"}


def test_an_inset_day_is_not_judged_against_a_term_whose_own_dates_are_wrong(school, tutor):
    # The autumn term runs backwards; the INSET day on 2 Sep gets no second message.
    with pytest.raises(TermDatesError) as refused:
        save(school, tutor, year_2026(autumn_ends_on=D(2026, 9, 1)))
    assert set(refused.value.errors) == {"autumn_ends_on"}


# --- Where the calendar comes from ----------------------------------------------------


def test_a_school_without_dates_follows_the_delivery_partner_then_the_standard_pattern(school, tutor):
    assert selectors.calendar_for(school=school, academic_year=2026).source == "standard"
    set_term_dates(actor=tutor, tenant=school.tenant, academic_year=2026, terms=year_2026(), inset_days=[D(2026, 9, 2)])
    calendar = selectors.calendar_for(school=school, academic_year=2026)
    assert calendar.source == "delivery partner"
    assert calendar.inset_days == frozenset({D(2026, 9, 2)})
    # The next year has no defaults: standard.
    assert selectors.calendar_for(school=school, academic_year=2027).source == "standard"
    # The school's own dates win over the defaults, and bring their own INSET days.
    save(school, tutor, year_2026(autumn_half_term_starts_on=D(2026, 10, 19)), inset_days=[])
    calendar = selectors.calendar_for(school=school, academic_year=2026)
    assert calendar.source == "school"
    assert calendar.term(1).half_term_starts_on == D(2026, 10, 19)
    assert calendar.inset_days == frozenset()
    # Resetting returns it to the delivery partner's dates.
    assert reset_term_dates(actor=tutor, tenant=school.tenant, school=school, academic_year=2026) == 3
    assert selectors.calendar_for(school=school, academic_year=2026).source == "delivery partner"
    with pytest.raises(SchoolsError, match="nothing to reset"):
        reset_term_dates(actor=tutor, tenant=school.tenant, school=school, academic_year=2026)


def test_other_schools_and_other_tenants_dates_are_not_used(school, tutor):
    sibling = SchoolFactory(tenant=school.tenant)
    other = SchoolFactory()
    save(sibling, tutor)
    set_term_dates(actor=tutor, tenant=other.tenant, academic_year=2026, terms=year_2026())
    assert selectors.calendar_for(school=school, academic_year=2026).source == "standard"


def test_an_incomplete_set_from_the_admin_is_not_used(school):
    TermDatesFactory(school=school, academic_year=2026, term=1)
    assert selectors.calendar_for(school=school, academic_year=2026).source == "standard"


def test_calendar_reader_feeds_the_release_schedule(school, tutor):
    save(school, tutor)
    read = selectors.calendar_reader(school=school)
    result = release_schedule(
        modules=[ModuleSlot("Y1-W03", 1, 3, 4)], weeks_in_year1=39, start_date=D(2026, 9, 1), calendar_for_year=read,
    )
    # Week 1 is the week of 31 Aug (first teaching day Thu 3 Sep: 2 Sep is an INSET day);
    # weeks 3-4 begin Mon 14 Sep and end Fri 25 Sep.
    assert (result[0].release_date, result[0].expected_by) == (D(2026, 9, 14), D(2026, 9, 25))
    assert not result[0].provisional
    assert read(2027).source == "standard"  # no dates saved for 2027-28


# --- The admin's rows -----------------------------------------------------------------


def test_admin_rows_follow_the_same_rules(school):
    TermDatesFactory(school=school, academic_year=2026, term=1)  # standard autumn: 1 Sep - 18 Dec 2026
    spring = TermDatesFactory.build(
        school=school, tenant=school.tenant, academic_year=2026, term=2,
        starts_on=D(2026, 12, 1), ends_on=D(2027, 3, 25), half_term_starts_on=None, half_term_ends_on=None,
    )
    with pytest.raises(ValidationError) as refused:
        spring.full_clean()
    assert "before the autumn term ends on 18 December 2026" in str(refused.value.message_dict["starts_on"])
    inset = InsetDayFactory.build(school=school, tenant=school.tenant, date=D(2026, 12, 24), academic_year=2026)
    with pytest.raises(ValidationError) as refused:
        inset.full_clean()
    assert "not in a term" in str(refused.value.message_dict["date"])


def test_one_default_per_term_and_year(school):
    TermDatesFactory(school=None, tenant=school.tenant, academic_year=2026, term=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        TermDatesFactory(school=None, tenant=school.tenant, academic_year=2026, term=1)
