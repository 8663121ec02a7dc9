"""The release-time rules with hand-worked numbers (statutory guidance: no more than 90%
of a main-pay-range timetable in year 1, 95% in year 2; mentor time an hour a week in
year 1, an hour a fortnight in year 2)."""

import datetime as dt
from decimal import Decimal

import pytest

from coaching.cycles import CYCLE_WEEKS
from participants.models import ECT
from programme.progress import release_schedules
from schools.selectors import calendar_for
from reporting.release_time import (
    MENTOR_HOURS_PER_CYCLE,
    MentorStatus,
    Status,
    TermError,
    TermRef,
    find_term,
    induction_year,
    recommended_mentor_hours,
    release_time,
    school_release_time,
    school_terms,
    teaching_ceiling,
)
from tests.reporting.conftest import AUTUMN_2026

pytestmark = pytest.mark.usefixtures("release_today")

D = Decimal
STANDARD = D("22.5")


# --- The ceiling ---------------------------------------------------------------------------


def test_year_one_ceiling_is_90_percent_of_the_fte_adjusted_standard():
    assert teaching_ceiling(STANDARD, D("1.0"), 1) == D("20.25")
    assert teaching_ceiling(STANDARD, D("0.6"), 1) == D("12.15")


def test_year_two_ceiling_is_95_percent_rounded_down_never_up():
    # 22.5 x 95% = 21.375: a maximum is rounded down to 2 decimal places.
    assert teaching_ceiling(STANDARD, D("1.0"), 2) == D("21.37")
    figures = release_time(year=2, standard=STANDARD, fte=D("1.0"), teaching_hours=D("21.37"))
    assert (figures.full_timetable, figures.ceiling, figures.entitlement) == (D("22.50"), D("21.37"), D("1.13"))
    assert figures.shortfall == 0 and figures.status == Status.WITHIN
    # One hundredth of an hour over the shown maximum is a shortfall of exactly that.
    over = release_time(year=2, standard=STANDARD, fte=D("1.0"), teaching_hours=D("21.38"))
    assert over.shortfall == D("0.01") and over.status == Status.SHORTFALL


def test_fte_adjusted_standard_is_rounded_down_too():
    figures = release_time(year=1, standard=STANDARD, fte=D("0.33"), teaching_hours=D("6.00"))
    # 22.5 x 0.33 = 7.425 -> 7.42; x 90% = 6.6825 -> 6.68.
    assert (figures.full_timetable, figures.ceiling) == (D("7.42"), D("6.68"))
    assert figures.provision == D("1.42")


@pytest.mark.parametrize(
    "year,fte,actual,provision,shortfall,status",
    [
        # Full time, year 1: the ceiling is 20.25, the reduction due 2.25.
        (1, "1.0", "20.25", "2.25", "0.00", Status.WITHIN),
        (1, "1.0", "18.00", "4.50", "0.00", Status.WITHIN),  # more than the reduction given: fine
        (1, "1.0", "21.00", "1.50", "0.75", Status.SHORTFALL),
        (1, "1.0", "23.00", "-0.50", "2.75", Status.SHORTFALL),  # more than a full timetable
        # 0.6 FTE, year 1: a full timetable for them is 13.50, the ceiling 12.15.
        (1, "0.6", "12.15", "1.35", "0.00", Status.WITHIN),
        (1, "0.6", "13.00", "0.50", "0.85", Status.SHORTFALL),
        # Full time, year 2: the ceiling is 21.37.
        (2, "1.0", "21.00", "1.50", "0.00", Status.WITHIN),
        (2, "1.0", "22.50", "0.00", "1.13", Status.SHORTFALL),
    ],
)
def test_provision_and_shortfall(year, fte, actual, provision, shortfall, status):
    figures = release_time(year=year, standard=STANDARD, fte=D(fte), teaching_hours=D(actual))
    assert figures.provision == D(provision)
    assert figures.shortfall == D(shortfall)
    assert figures.status == status
    # The shortfall is what the reduction given falls short of the reduction due.
    assert figures.shortfall == max(D("0"), figures.entitlement - figures.provision)


# --- Missing data -------------------------------------------------------------------------


def test_no_standard_timetable_is_missing_not_compliant():
    figures = release_time(year=1, standard=None, fte=D("1.0"), teaching_hours=D("10"))
    assert figures.ceiling is None and figures.provision is None and figures.shortfall is None
    assert figures.status == Status.MISSING
    assert figures.status_label == "Missing: standard timetable"


def test_no_teaching_hours_is_missing_though_the_ceiling_is_known():
    figures = release_time(year=1, standard=STANDARD, fte=D("1.0"))
    assert figures.ceiling == D("20.25")
    assert figures.provision is None and figures.shortfall is None
    assert figures.status == Status.MISSING
    assert figures.status_label == "Missing: teaching hours"
    assert figures.mentor_status == MentorStatus.MISSING and figures.mentor_gap is None


# --- Mentor time ----------------------------------------------------------------------------


def test_mentor_time_recommended_follows_the_coaching_cadence():
    assert recommended_mentor_hours(1) == D("1.00")  # weekly
    assert recommended_mentor_hours(2) == D("0.50")  # fortnightly
    for year in (1, 2):
        assert recommended_mentor_hours(year) == MENTOR_HOURS_PER_CYCLE / CYCLE_WEEKS[year]


@pytest.mark.parametrize(
    "year,given,status,gap",
    [
        (1, "1.00", MentorStatus.MEETS, "0.00"),
        (1, "0.75", MentorStatus.BELOW, "0.25"),
        (2, "0.50", MentorStatus.MEETS, "0.00"),
        (2, "0.25", MentorStatus.BELOW, "0.25"),
        (2, "1.50", MentorStatus.MEETS, "0.00"),
    ],
)
def test_mentor_time_against_the_recommendation(year, given, status, gap):
    figures = release_time(year=year, standard=STANDARD, fte=D("1"), teaching_hours=D("20"), mentor_hours=D(given))
    assert figures.mentor_status == status
    assert figures.mentor_gap == D(gap)


# --- Terms ----------------------------------------------------------------------------------


def test_terms_are_written_by_academic_year_and_season():
    assert TermRef.parse("2026-autumn") == TermRef(2026, 1)
    assert TermRef.parse("2026-Spring") == TermRef(2026, 2)
    assert TermRef(2026, 3).slug == "2026-summer"
    assert TermRef(2026, 1).label == "Autumn term 2026 to 2027"
    for bad in ("2026-winter", "autumn", "26-autumn", ""):
        with pytest.raises(TermError, match="2026-autumn, 2026-spring or 2026-summer"):
            TermRef.parse(bad)


def test_a_term_outside_the_schools_calendar_is_refused(world):
    terms = school_terms(school=world.school_a1)
    assert find_term(terms, "2026-autumn", school=world.school_a1).calendar_term.starts_on == dt.date(2026, 9, 1)
    with pytest.raises(TermError, match="not in Alder Primary's calendar here: choose one of its terms from 2023-autumn"):
        find_term(terms, "2015-autumn", school=world.school_a1)


# --- The induction year of a term -------------------------------------------------------------


def _year_of(ect, ref):
    ect = ECT.objects.select_related("cohort__programme").prefetch_related("school_periods__school", "pauses").get(
        pk=ect.pk
    )
    schedule = release_schedules([ect])[0][ect.pk][1]
    ref = TermRef.parse(ref)
    calendar = calendar_for(school=ect.school_periods.first().school, academic_year=ref.academic_year)
    first_teaching_day = calendar.teaching_days(calendar.term(ref.number))[0]
    return induction_year(ect=ect, schedule=schedule, first_teaching_day=first_teaching_day)


@pytest.mark.parametrize(
    "fte,start,year_one,year_two",
    [
        # Full time from September 2026: terms 1-3 year 1, terms 4-6 year 2 (academic
        # years by their first calendar year: 2027-autumn is the autumn term 2027).
        ("1.00", dt.date(2026, 9, 2), ["2026-autumn", "2026-spring", "2026-summer"],
         ["2027-autumn", "2027-spring", "2027-summer"]),
        # Half time: year 1 is the part-time equivalent of three terms, so two school years.
        ("0.50", dt.date(2026, 9, 2), ["2026-autumn", "2026-summer", "2027-autumn", "2027-summer"], ["2028-autumn"]),
        # 0.6 FTE: year 1 lasts five terms (3 / 0.6); its last, the spring term 2028, is
        # where year 2 begins part-way, and it stays a year-1 term (the larger reduction
        # holds until year 1 is over).
        ("0.60", dt.date(2026, 9, 2), ["2026-summer", "2027-autumn", "2027-spring"], ["2027-summer"]),
        # A January starter: spring, summer and autumn are year 1.
        ("1.00", dt.date(2027, 1, 6), ["2026-spring", "2026-summer", "2027-autumn"], ["2027-spring", "2027-summer"]),
    ],
)
def test_the_induction_year_comes_from_the_release_schedule(two_years, add_ect, fte, start, year_one, year_two):
    ect = add_ect("Part Timer", fte=fte, start=start)
    for slug in year_one:
        assert _year_of(ect, slug) == 1, slug
    for slug in year_two:
        assert _year_of(ect, slug) == 2, slug


def test_without_a_year_two_in_the_programme_the_cohorts_year_stands_in(world):
    # The world's programme has year 1 only: its schedule has no year-2 start.
    assert _year_of(world.ects["own"], "2026-autumn") == 1
    assert _year_of(world.ects["own"], "2027-spring") == 2


# --- A school's term ------------------------------------------------------------------------


def test_a_schools_term_lists_the_ects_there_with_their_figures(two_years, add_ect):
    from reporting.factories import ECTTermTimetableFactory, StandardTimetableFactory

    world = two_years
    school = world.school_a1
    part_time = add_ect("Priya Patel", fte="0.60")
    add_ect("Later Starter", start=dt.date(2027, 1, 6))  # not yet in induction this term
    add_ect("Sibling School", school=world.school_a2)
    StandardTimetableFactory(school=school, hours=D("22.5"))
    ECTTermTimetableFactory(school=school, ect=part_time, fte=D("0.60"), teaching_hours=D("12.15"), mentor_hours=None)

    term = find_term(school_terms(school=school), AUTUMN_2026, school=school)
    report = school_release_time(school=school, term=term)

    names = [row.ect.user.full_name for row in report.rows]
    assert names == [world.people["ect"].full_name, "Priya Patel"]
    own, priya = report.rows
    assert own.figures.ceiling == D("20.25") and own.figures.status == Status.MISSING  # no figures recorded
    assert not own.fte_recorded
    assert priya.figures.ceiling == D("12.15") and priya.figures.status == Status.WITHIN
    assert priya.figures.mentor_status == MentorStatus.MISSING
    assert report.summary.line == (
        "2 ECTs: 1 within the ceiling, 0 with a shortfall, 1 with figures missing. "
        "Mentor time: 0 meeting the recommendation, 0 below it, 2 not recorded."
    )
    assert not report.summary.compliant


def test_a_schools_term_is_read_in_a_fixed_number_of_queries(two_years, add_ect):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ectalign.caching import forget_everything
    from reporting.factories import ECTTermTimetableFactory, StandardTimetableFactory

    school = two_years.school_a1
    StandardTimetableFactory(school=school)
    term = find_term(school_terms(school=school), AUTUMN_2026, school=school)

    def count():
        cache.clear()  # nothing cached: every schedule is worked out afresh
        forget_everything()
        with CaptureQueriesContext(connection) as queries:
            school_release_time(school=school, term=term)
        return len(queries)

    few = count()
    for n in range(6):
        ect = add_ect(f"Extra {n}", fte="0.80" if n % 2 else "1.00")
        ECTTermTimetableFactory(school=school, ect=ect, teaching_hours=D("17"))
    assert count() == few
    assert few <= 12
