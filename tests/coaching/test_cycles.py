"""The coaching cadence (coaching/cycles.py) against dates worked out by hand: weekly in
year 1, fortnightly in year 2, following the school's teaching weeks.

The test school's calendars (written here, not read from anywhere; no INSET days):

2026-27: autumn Wed 2 Sep - Fri 18 Dec 2026, half-term 26-30 Oct; spring Mon 4 Jan - Fri
26 Mar 2027, half-term 15-19 Feb; summer Mon 12 Apr - Wed 21 Jul 2027, half-term 31 May -
4 Jun. Its teaching weeks, by Monday ("T" = teaching week number in the year, 40 in all):
  autumn  T1 31 Aug (Wed 2-Fri 4 Sep), T2 7 Sep, T3 14 Sep, T4 21 Sep, T5 28 Sep, T6 5 Oct,
          T7 12 Oct, T8 19 Oct, [half-term 26 Oct], T9 2 Nov, T10 9 Nov, T11 16 Nov,
          T12 23 Nov, T13 30 Nov, T14 7 Dec, T15 14 Dec, [Christmas 21 Dec, 28 Dec]
  spring  T16 4 Jan, T17 11 Jan, T18 18 Jan, T19 25 Jan, T20 1 Feb, T21 8 Feb,
          [half-term 15 Feb], T22 22 Feb, T23 1 Mar, T24 8 Mar, T25 15 Mar, T26 22 Mar,
          [Easter 29 Mar, 5 Apr]
  summer  T27 12 Apr, T28 19 Apr, T29 26 Apr, T30 3 May, T31 10 May, T32 17 May,
          T33 24 May, [half-term 31 May], T34 7 Jun, T35 14 Jun, T36 21 Jun, T37 28 Jun,
          T38 5 Jul, T39 12 Jul, T40 19 Jul (Mon 19-Wed 21)

2027-28: autumn Wed 1 Sep - Fri 17 Dec 2027, half-term 25-29 Oct; spring Tue 4 Jan - Fri
31 Mar 2028, half-term 14-18 Feb; summer Tue 18 Apr - Fri 21 Jul 2028, half-term 29 May -
2 Jun. Its teaching weeks ("U", 40 in all):
  autumn  U1 30 Aug (Wed 1-Fri 3 Sep), U2 6 Sep, U3 13 Sep, U4 20 Sep, U5 27 Sep, U6 4 Oct,
          U7 11 Oct, U8 18 Oct, [half-term 25 Oct], U9 1 Nov, U10 8 Nov, U11 15 Nov,
          U12 22 Nov, U13 29 Nov, U14 6 Dec, U15 13 Dec
  spring  U16 3 Jan (Tue 4-Fri 7), ..., U27 27 Mar
  summer  U28 17 Apr, ..., U33 22 May, [half-term 29 May], U34 5 Jun, ..., U38 3 Jul,
          U39 10 Jul, U40 17 Jul

A programme of 39 weeks in year 1 and 38 in year 2: a full-time September 2026 starter's
year 1 is T1..T39; T40 is the only teaching week left in the summer term (fewer than
three), so it is left free and year 2 starts with the autumn term 2027: U1..U38, in
fortnights (U1+U2, U3+U4, ...).
"""

import datetime

import pytest

from coaching.cycles import CYCLE_WEEKS, cadence_label, coaching_cycles, cycle_on
from programme.schedule import Calendar, CalendarTerm, Pause, ScheduleError, standard_calendar

D = datetime.date

CALENDAR_2026 = Calendar(
    academic_year=2026,
    terms=(
        CalendarTerm(1, D(2026, 9, 2), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30)),
        CalendarTerm(2, D(2027, 1, 4), D(2027, 3, 26), D(2027, 2, 15), D(2027, 2, 19)),
        CalendarTerm(3, D(2027, 4, 12), D(2027, 7, 21), D(2027, 5, 31), D(2027, 6, 4)),
    ),
    source="school",
)
CALENDAR_2027 = Calendar(
    academic_year=2027,
    terms=(
        CalendarTerm(1, D(2027, 9, 1), D(2027, 12, 17), D(2027, 10, 25), D(2027, 10, 29)),
        CalendarTerm(2, D(2028, 1, 4), D(2028, 3, 31), D(2028, 2, 14), D(2028, 2, 18)),
        CalendarTerm(3, D(2028, 4, 18), D(2028, 7, 21), D(2028, 5, 29), D(2028, 6, 2)),
    ),
    source="school",
)
KNOWN = {c.academic_year: c for c in (CALENDAR_2026, CALENDAR_2027)}


def calendar_for_year(academic_year):
    """The test school's calendars, and the standard pattern for any later year."""
    return KNOWN.get(academic_year) or standard_calendar(academic_year)


def cycles(*, weeks_in_year1=39, weeks_in_year2=38, start_date=D(2026, 9, 2), **kwargs):
    return coaching_cycles(
        weeks_in_year1=weeks_in_year1, weeks_in_year2=weeks_in_year2, start_date=start_date,
        calendar_for_year=calendar_for_year, **kwargs,
    )


def starts(found, year=None):
    return [c.starts_on for c in found if year is None or c.year == year]


# The Mondays of T1..T40 and U1..U40, from the lists above.
T = [None] + [
    D(2026, 8, 31), D(2026, 9, 7), D(2026, 9, 14), D(2026, 9, 21), D(2026, 9, 28), D(2026, 10, 5),
    D(2026, 10, 12), D(2026, 10, 19), D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16), D(2026, 11, 23),
    D(2026, 11, 30), D(2026, 12, 7), D(2026, 12, 14),
    D(2027, 1, 4), D(2027, 1, 11), D(2027, 1, 18), D(2027, 1, 25), D(2027, 2, 1), D(2027, 2, 8),
    D(2027, 2, 22), D(2027, 3, 1), D(2027, 3, 8), D(2027, 3, 15), D(2027, 3, 22),
    D(2027, 4, 12), D(2027, 4, 19), D(2027, 4, 26), D(2027, 5, 3), D(2027, 5, 10), D(2027, 5, 17),
    D(2027, 5, 24), D(2027, 6, 7), D(2027, 6, 14), D(2027, 6, 21), D(2027, 6, 28), D(2027, 7, 5),
    D(2027, 7, 12), D(2027, 7, 19),
]
U = [None] + [
    D(2027, 8, 30), D(2027, 9, 6), D(2027, 9, 13), D(2027, 9, 20), D(2027, 9, 27), D(2027, 10, 4),
    D(2027, 10, 11), D(2027, 10, 18), D(2027, 11, 1), D(2027, 11, 8), D(2027, 11, 15), D(2027, 11, 22),
    D(2027, 11, 29), D(2027, 12, 6), D(2027, 12, 13),
    D(2028, 1, 3), D(2028, 1, 10), D(2028, 1, 17), D(2028, 1, 24), D(2028, 1, 31), D(2028, 2, 7),
    D(2028, 2, 21), D(2028, 2, 28), D(2028, 3, 6), D(2028, 3, 13), D(2028, 3, 20), D(2028, 3, 27),
    D(2028, 4, 17), D(2028, 4, 24), D(2028, 5, 1), D(2028, 5, 8), D(2028, 5, 15), D(2028, 5, 22),
    D(2028, 6, 5), D(2028, 6, 12), D(2028, 6, 19), D(2028, 6, 26), D(2028, 7, 3), D(2028, 7, 10),
    D(2028, 7, 17),
]


def test_the_hand_made_week_lists_match_the_calendars():
    # A guard on the lists above: each Monday holds a teaching day and none is missing.
    for calendar, mondays in ((CALENDAR_2026, T[1:]), (CALENDAR_2027, U[1:])):
        assert calendar.teaching_weeks() == mondays


# --- Year 1: weekly ------------------------------------------------------------------------


def test_year_one_has_one_cycle_per_teaching_week():
    found = cycles()
    year_one = [c for c in found if c.year == 1]
    # 39 programme weeks in year 1, full time: 39 weekly cycles, T1..T39.
    assert len(year_one) == 39
    assert starts(year_one) == T[1:40]
    assert [c.number for c in year_one] == list(range(1, 40))
    assert all(c.weeks == 1 for c in year_one)
    assert cadence_label(1) == "weekly" and CYCLE_WEEKS[1] == 1


def test_the_first_cycle_starts_on_the_start_date_in_its_week():
    first = cycles()[0]
    # The ECT starts on Wednesday 2 September: the cycle is named by its Monday (31 Aug)
    # but its first teaching day is the start date, and it ends on Sunday 6 September.
    assert (first.starts_on, first.first_day, first.last_day, first.ends_on) == (
        D(2026, 8, 31), D(2026, 9, 2), D(2026, 9, 4), D(2026, 9, 6),
    )


def test_a_weekly_cycle_runs_monday_to_sunday_in_term():
    found = cycles()
    third = found[2]
    assert (third.starts_on, third.ends_on, third.first_day, third.last_day) == (
        D(2026, 9, 14), D(2026, 9, 20), D(2026, 9, 14), D(2026, 9, 18),
    )
    assert cycle_on(found, D(2026, 9, 20)) == third  # Sunday still belongs to it
    assert cycle_on(found, D(2026, 9, 21)).starts_on == D(2026, 9, 21)


def test_the_half_term_week_holds_no_cycle_and_belongs_to_the_cycle_before():
    found = cycles()
    # T8 (19 Oct) is the last week before half-term (26-30 Oct); T9 starts on 2 Nov.
    assert D(2026, 10, 26) not in starts(found)
    before = cycle_on(found, D(2026, 10, 19))
    assert before.number == 8
    # It reaches to the day before the next cycle: Sunday 1 November.
    assert before.ends_on == D(2026, 11, 1)
    assert before.last_day == D(2026, 10, 23)  # its last teaching day is still the Friday
    # A meeting held on Wednesday of half-term is logged in the cycle before it.
    assert cycle_on(found, D(2026, 10, 28)) == before
    assert cycle_on(found, D(2026, 11, 2)).number == 9


def test_the_christmas_and_easter_holidays_belong_to_the_cycle_before():
    found = cycles()
    # T15 (14 Dec) reaches over Christmas to Sunday 3 January; T16 starts 4 January.
    christmas = cycle_on(found, D(2026, 12, 30))
    assert (christmas.number, christmas.starts_on, christmas.ends_on) == (15, D(2026, 12, 14), D(2027, 1, 3))
    # T26 (22 Mar) reaches over Easter to Sunday 11 April; T27 starts 12 April.
    easter = cycle_on(found, D(2027, 4, 2))
    assert (easter.number, easter.starts_on, easter.ends_on) == (26, D(2027, 3, 22), D(2027, 4, 11))


# --- Year 2: fortnightly, starting with a term ---------------------------------------------


def test_year_two_is_fortnightly_and_starts_with_the_autumn_term():
    found = cycles()
    year_two = [c for c in found if c.year == 2]
    # 38 programme weeks in year 2: 19 fortnights, U1+U2, U3+U4, ..., U37+U38.
    assert len(year_two) == 19
    assert starts(year_two) == U[1:39:2]
    assert [c.number for c in year_two] == list(range(40, 59))
    assert all(c.weeks == 2 for c in year_two)
    assert cadence_label(2) == "fortnightly" and CYCLE_WEEKS[2] == 2
    first = year_two[0]
    # U1 (Wed 1 - Fri 3 Sep 2027) and U2 (6-10 Sep): the cycle ends on Sunday 12 Sep.
    assert (first.starts_on, first.first_day, first.last_day, first.ends_on) == (
        D(2027, 8, 30), D(2027, 9, 1), D(2027, 9, 10), D(2027, 9, 12),
    )
    last = year_two[-1]
    # U37 (26 Jun 2028) and U38 (3-7 Jul): the last cycle ends on Sunday 9 July 2028.
    assert (last.starts_on, last.ends_on) == (D(2028, 6, 26), D(2028, 7, 9))
    assert cycle_on(found, D(2028, 7, 10)) is None  # after the programme


def test_the_free_weeks_between_the_years_hold_no_cycle():
    found = cycles()
    last_of_year_one = [c for c in found if c.year == 1][-1]
    # Year 1 ends with T39 (12 Jul 2027); it is not stretched into the free week T40
    # or the summer holiday: those days belong to no cycle.
    assert (last_of_year_one.starts_on, last_of_year_one.ends_on) == (D(2027, 7, 12), D(2027, 7, 18))
    assert D(2027, 7, 19) not in starts(found)
    for day in (D(2027, 7, 19), D(2027, 7, 21), D(2027, 8, 16), D(2027, 8, 29)):
        assert cycle_on(found, day) is None
    assert cycle_on(found, D(2027, 8, 30)).year == 2


def test_a_fortnightly_cycle_over_half_term_reaches_to_the_next_cycle():
    found = cycles()
    # U7 (11 Oct 2027) + U8 (18 Oct) make a cycle; half-term is 25-29 Oct; U9 + U10
    # start on 1 November. The half-term belongs to the cycle of 11 October.
    cycle = cycle_on(found, D(2027, 10, 27))
    assert (cycle.starts_on, cycle.last_day, cycle.ends_on) == (D(2027, 10, 11), D(2027, 10, 22), D(2027, 10, 31))
    assert D(2027, 10, 25) not in starts(found)
    assert cycle_on(found, D(2027, 11, 1)).starts_on == D(2027, 11, 1)


# --- Pauses: deferral and absence ----------------------------------------------------------


def test_a_pause_over_two_whole_weeks_holds_no_cycle_and_the_next_starts_after_it():
    # Absent Monday 9 November to Friday 20 November 2026: every teaching day of T10 and
    # T11. Those weeks do not count; the cycle after T9 (2 Nov) starts with T12 (23 Nov).
    found = cycles(weeks_in_year2=None, pauses=[Pause(D(2026, 11, 9), D(2026, 11, 20))])
    assert D(2026, 11, 9) not in starts(found)
    assert D(2026, 11, 16) not in starts(found)
    assert starts(found)[8:10] == [D(2026, 11, 2), D(2026, 11, 23)]
    assert cycle_on(found, D(2026, 11, 2)).ends_on == D(2026, 11, 22)
    # Year 1 still has 39 weekly cycles: it now ends two teaching weeks later, with T41
    # which is in 2027-28 (T40 19 Jul 2027, then U1 30 Aug 2027).
    assert len(found) == 39
    assert found[-1].starts_on == D(2027, 8, 30)


def test_a_week_paused_on_only_some_of_its_days_still_holds_a_cycle():
    # Absent Monday 9 to Thursday 12 November: Friday 13 November is a teaching day, so
    # T10 counts and its cycle is there as without the pause.
    found = cycles(weeks_in_year2=None, pauses=[Pause(D(2026, 11, 9), D(2026, 11, 12))])
    assert starts(found) == starts(cycles(weeks_in_year2=None))
    assert D(2026, 11, 9) in starts(found)


def test_a_pause_with_no_end_yet_needs_a_day_to_assume_it_ends():
    with pytest.raises(ScheduleError, match="no end date"):
        cycles(weeks_in_year2=None, pauses=[Pause(D(2026, 11, 9))])


def test_an_open_pause_is_taken_to_end_on_the_day_given_and_later_cycles_are_provisional():
    # Absent from Monday 9 November, still away on Wednesday 18 November: taken as away
    # 9-18 Nov. T10 is paused on every teaching day (no cycle); T11 (16 Nov) is paused on
    # Mon-Wed only, so it counts.
    found = cycles(weeks_in_year2=None, pauses=[Pause(D(2026, 11, 9))], open_pauses_end_on=D(2026, 11, 18))
    assert starts(found)[8:11] == [D(2026, 11, 2), D(2026, 11, 16), D(2026, 11, 23)]
    by_start = {c.starts_on: c for c in found}
    # Before the absence nothing moves; from it on, the dates may still move.
    assert not by_start[D(2026, 11, 2)].provisional
    assert by_start[D(2026, 11, 16)].provisional


def test_a_deferral_over_a_holiday_only_removes_the_teaching_weeks_it_covers():
    # Deferred from Monday 7 December 2026 to Sunday 10 January 2027: T14, T15 (and the
    # Christmas holiday) and T16 are paused; T17 (11 Jan) is the next cycle after T13.
    found = cycles(weeks_in_year2=None, pauses=[Pause(D(2026, 12, 7), D(2027, 1, 10))])
    assert starts(found)[12:14] == [D(2026, 11, 30), D(2027, 1, 11)]
    assert cycle_on(found, D(2026, 12, 16)).starts_on == D(2026, 11, 30)


# --- Part time and other start dates -------------------------------------------------------


def test_at_half_time_year_one_spans_twice_as_many_teaching_weeks():
    # A 5-week year 1 at 0.5 FTE takes ten teaching weeks, T1..T10, each its own weekly
    # cycle; full time it takes T1..T5.
    half = cycles(weeks_in_year1=5, weeks_in_year2=None, fte="0.5")
    full = cycles(weeks_in_year1=5, weeks_in_year2=None)
    assert starts(full) == T[1:6]
    assert starts(half) == T[1:11]
    assert half[-1].starts_on == D(2026, 11, 9)


def test_a_half_time_ect_on_the_full_programme_runs_year_one_into_a_second_school_year():
    # 39 weeks at 0.5 FTE: 78 teaching weeks, T1..T40 then U1..U38 (3 Jul 2028).
    found = cycles(weeks_in_year2=None, fte="0.5")
    assert len(found) == 78
    assert starts(found) == T[1:41] + U[1:39]
    assert all(c.year == 1 for c in found)


def test_a_january_starter_begins_in_january_and_starts_year_two_with_a_term():
    # Starting Monday 4 January 2027: year 1 is T16..T40 (25 weeks) then U1..U14 (6 Dec
    # 2027) = 39. Only U15 (13 Dec) is left in the autumn term (fewer than three), so it
    # is free and year 2 starts with the spring term: U16 (Tue 4 Jan 2028) + U17.
    found = cycles(start_date=D(2027, 1, 4), weeks_in_year2=4)
    year_one = [c for c in found if c.year == 1]
    assert starts(year_one) == T[16:41] + U[1:15]
    assert year_one[0].first_day == D(2027, 1, 4)
    assert year_one[-1].ends_on == D(2027, 12, 12)
    assert cycle_on(found, D(2027, 12, 15)) is None
    assert starts(found, year=2) == [U[16], U[18]]
    assert [c for c in found if c.year == 2][0].first_day == D(2028, 1, 4)


def test_year_two_starts_straight_after_year_one_when_the_term_has_weeks_to_run():
    # A 10-week year 1 ends with T10 (9 Nov 2026); five weeks of the autumn term remain,
    # so year 2 starts at once with T11 (16 Nov) + T12, then T13 + T14, then T15 + T16
    # over Christmas: that cycle's days run 14 Dec to 8 Jan.
    found = cycles(weeks_in_year1=10, weeks_in_year2=6)
    assert starts(found, year=1) == T[1:11]
    assert starts(found, year=2) == [T[11], T[13], T[15]]
    last = found[-1]
    assert (last.first_day, last.last_day) == (D(2026, 12, 14), D(2027, 1, 8))
