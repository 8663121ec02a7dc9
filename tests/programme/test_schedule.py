"""The release schedule (programme/schedule.py) against dates worked out by hand.

The test school's calendars (written here, not read from anywhere):

2026-27: autumn Wed 2 Sep - Fri 18 Dec 2026, half-term 26-30 Oct; spring Tue 5 Jan - Fri
26 Mar 2027, half-term 15-19 Feb; summer Mon 12 Apr - Wed 21 Jul 2027, half-term 31 May -
4 Jun. INSET days Wed 2 Sep 2026 and Tue 5 Jan 2027.

Its teaching weeks, by Monday (40 in all; "T" = teaching week number in the year):
  autumn  T1 31 Aug (Thu 3-Fri 4 Sep: 2 Sep is INSET), T2 7 Sep, T3 14 Sep, T4 21 Sep,
          T5 28 Sep, T6 5 Oct, T7 12 Oct, T8 19 Oct, [half-term 26 Oct], T9 2 Nov,
          T10 9 Nov, T11 16 Nov, T12 23 Nov, T13 30 Nov, T14 7 Dec, T15 14 Dec
  spring  T16 4 Jan (Wed 6-Fri 8: 5 Jan is INSET), T17 11 Jan, T18 18 Jan, T19 25 Jan,
          T20 1 Feb, T21 8 Feb, [half-term 15 Feb], T22 22 Feb, T23 1 Mar, T24 8 Mar,
          T25 15 Mar, T26 22 Mar, [Easter 29 Mar, 5 Apr]
  summer  T27 12 Apr, T28 19 Apr, T29 26 Apr, T30 3 May, T31 10 May, T32 17 May,
          T33 24 May, [half-term 31 May], T34 7 Jun, T35 14 Jun, T36 21 Jun, T37 28 Jun,
          T38 5 Jul, T39 12 Jul, T40 19 Jul (Mon 19-Wed 21)

2027-28: autumn Wed 1 Sep - Fri 17 Dec 2027, half-term 25-29 Oct; spring Tue 4 Jan - Fri
31 Mar 2028, half-term 14-18 Feb; summer Tue 18 Apr - Fri 21 Jul 2028, half-term 29 May -
2 Jun. INSET day Wed 1 Sep 2027.

Its teaching weeks (40 in all; "U" = teaching week number in the year):
  autumn  U1 30 Aug (Thu 2-Fri 3 Sep), U2 6 Sep, U3 13 Sep, U4 20 Sep, U5 27 Sep,
          U6 4 Oct, U7 11 Oct, U8 18 Oct, [half-term 25 Oct], U9 1 Nov, U10 8 Nov,
          U11 15 Nov, U12 22 Nov, U13 29 Nov, U14 6 Dec, U15 13 Dec
  spring  U16 3 Jan (Tue 4-Fri 7), U17 10 Jan, U18 17 Jan, U19 24 Jan, U20 31 Jan,
          U21 7 Feb, [half-term 14 Feb], U22 21 Feb, U23 28 Feb, U24 6 Mar, U25 13 Mar,
          U26 20 Mar, U27 27 Mar, [Easter 3 Apr, 10 Apr]
  summer  U28 17 Apr (Tue 18-Fri 21), U29 24 Apr, U30 1 May, U31 8 May, U32 15 May,
          U33 22 May, [half-term 29 May], U34 5 Jun, U35 12 Jun, U36 19 Jun, U37 26 Jun,
          U38 3 Jul, U39 10 Jul, U40 17 Jul

Later years fall back to the standard pattern (provisional). 2028-29 standard: autumn Fri
1 Sep - Fri 22 Dec 2028, half-term 30 Oct - 3 Nov: V1 28 Aug (Fri 1 Sep), V2 4 Sep,
V3 11 Sep, ... V9 23 Oct, [half-term], V10 6 Nov, V11 13 Nov, V12 20 Nov, V13 27 Nov, ...;
40 teaching weeks in the year (16 + 11 + 13).

The 2026-28 programme: year 1 has 39 weeks, so year 2 week w is continuous week 39 + w.
A full-time September 2026 starter's continuous week n is teaching week n counted from
T1: n = 1..40 are T1..T40 and n = 40 + k is Uk.
"""

import datetime
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from programme.schedule import (
    Calendar,
    CalendarTerm,
    ModuleSlot,
    Pause,
    ScheduleError,
    academic_year_of,
    easter_sunday,
    position_on,
    release_schedule,
    standard_calendar,
)

D = datetime.date
PROGRAMME = Path(__file__).resolve().parents[2] / "programme" / "data" / "ittecf-2026-28.json"


def load_programme():
    data = json.loads(PROGRAMME.read_text())
    slots = [
        ModuleSlot(code=m["code"], year=m["year"], start_week=m["start_week"], end_week=m["end_week"], kind=m["kind"])
        for m in sorted(data["modules"], key=lambda m: m["order"])
    ]
    weeks_in_year1 = next(y["weeks"] for y in data["years"] if y["number"] == 1)
    return slots, weeks_in_year1


MODULES, WEEKS_IN_YEAR1 = load_programme()

CALENDAR_2026 = Calendar(
    academic_year=2026,
    terms=(
        CalendarTerm(1, D(2026, 9, 2), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30)),
        CalendarTerm(2, D(2027, 1, 5), D(2027, 3, 26), D(2027, 2, 15), D(2027, 2, 19)),
        CalendarTerm(3, D(2027, 4, 12), D(2027, 7, 21), D(2027, 5, 31), D(2027, 6, 4)),
    ),
    inset_days=frozenset({D(2026, 9, 2), D(2027, 1, 5)}),
    source="school",
)
CALENDAR_2027 = Calendar(
    academic_year=2027,
    terms=(
        CalendarTerm(1, D(2027, 9, 1), D(2027, 12, 17), D(2027, 10, 25), D(2027, 10, 29)),
        CalendarTerm(2, D(2028, 1, 4), D(2028, 3, 31), D(2028, 2, 14), D(2028, 2, 18)),
        CalendarTerm(3, D(2028, 4, 18), D(2028, 7, 21), D(2028, 5, 29), D(2028, 6, 2)),
    ),
    inset_days=frozenset({D(2027, 9, 1)}),
    source="school",
)
# The same school with a two-week October half-term in 2026 (19-30 Oct).
CALENDAR_2026_LONG_HALF_TERM = Calendar(
    academic_year=2026,
    terms=(
        CalendarTerm(1, D(2026, 9, 2), D(2026, 12, 18), D(2026, 10, 19), D(2026, 10, 30)),
        *CALENDAR_2026.terms[1:],
    ),
    inset_days=CALENDAR_2026.inset_days,
    source="school",
)


class Calendars:
    """``calendar_for_year`` for the tests: the given years, else the standard pattern.
    Records which years were read."""

    def __init__(self, *calendars):
        self.known = {c.academic_year: c for c in calendars}
        self.read = []

    def __call__(self, academic_year):
        self.read.append(academic_year)
        return self.known.get(academic_year) or standard_calendar(academic_year)


def schedule(start, *, fte=1, pauses=(), calendars=None, modules=MODULES):
    return release_schedule(
        modules=modules,
        weeks_in_year1=WEEKS_IN_YEAR1,
        start_date=start,
        calendar_for_year=calendars or Calendars(CALENDAR_2026, CALENDAR_2027),
        fte=fte,
        pauses=pauses,
    )


def dates(result, code):
    module = result.module(code)
    return module.release_date, module.expected_by


# --- The calendar and the standard pattern -------------------------------------------


def test_the_test_calendars_have_forty_teaching_weeks_each():
    assert len(CALENDAR_2026.teaching_weeks()) == 40
    assert len(CALENDAR_2027.teaching_weeks()) == 40
    assert len(CALENDAR_2026_LONG_HALF_TERM.teaching_weeks()) == 39  # 19 Oct lost


def test_teaching_days():
    assert not CALENDAR_2026.is_teaching_day(D(2026, 9, 1))  # before the term
    assert not CALENDAR_2026.is_teaching_day(D(2026, 9, 2))  # INSET day
    assert CALENDAR_2026.is_teaching_day(D(2026, 9, 3))
    assert not CALENDAR_2026.is_teaching_day(D(2026, 9, 5))  # Saturday
    assert not CALENDAR_2026.is_teaching_day(D(2026, 10, 28))  # half-term
    assert not CALENDAR_2026.is_teaching_day(D(2027, 4, 1))  # Easter holiday


def test_easter():
    # Published dates of Easter Sunday.
    assert easter_sunday(2027) == D(2027, 3, 28)
    assert easter_sunday(2028) == D(2028, 4, 16)
    assert easter_sunday(2030) == D(2030, 4, 21)


def test_standard_pattern_2026_27_worked_by_hand():
    calendar = standard_calendar(2026)
    autumn, spring, summer = calendar.terms
    # Autumn: 1 Sep 2026 is a Tuesday, a weekday, so the term starts then. 25 Dec 2026 is
    # a Friday; its week starts Mon 21 Dec, so the term ends Fri 18 Dec. The last Monday
    # of October is the 26th: half-term 26-30 Oct.
    assert (autumn.starts_on, autumn.ends_on) == (D(2026, 9, 1), D(2026, 12, 18))
    assert (autumn.half_term_starts_on, autumn.half_term_ends_on) == (D(2026, 10, 26), D(2026, 10, 30))
    # Spring: 2 Jan 2027 is a Saturday, so the first Monday on or after it is 4 Jan.
    # Easter Sunday 28 Mar, Good Friday 26 Mar: the term ends Thu 25 Mar. The first
    # Monday on or after 12 Feb is 15 Feb: half-term 15-19 Feb.
    assert (spring.starts_on, spring.ends_on) == (D(2027, 1, 4), D(2027, 3, 25))
    assert (spring.half_term_starts_on, spring.half_term_ends_on) == (D(2027, 2, 15), D(2027, 2, 19))
    # Summer: Easter Monday 29 Mar + 14 days = Mon 12 Apr; 21 Jul 2027 is a Wednesday;
    # the last Monday of May is the 31st: half-term 31 May - 4 Jun.
    assert (summer.starts_on, summer.ends_on) == (D(2027, 4, 12), D(2027, 7, 21))
    assert (summer.half_term_starts_on, summer.half_term_ends_on) == (D(2027, 5, 31), D(2027, 6, 4))
    assert calendar.source == "standard" and calendar.provisional
    assert calendar.inset_days == frozenset()


def test_standard_pattern_2029_30_worked_by_hand():
    autumn, spring, summer = standard_calendar(2029).terms
    # 1 Sep 2029 is a Saturday: the term starts Mon 3 Sep. 25 Dec 2029 is a Tuesday, in
    # the week of Mon 24 Dec: the term ends Fri 21 Dec.
    assert (autumn.starts_on, autumn.ends_on) == (D(2029, 9, 3), D(2029, 12, 21))
    # 1 Jan 2030 is a Tuesday: the first Monday on or after 2 Jan is 7 Jan. Easter 21 Apr
    # 2030: the term ends Thu 18 Apr; 12 Feb 2030 is a Tuesday, so half-term is 18-22 Feb.
    assert (spring.starts_on, spring.ends_on) == (D(2030, 1, 7), D(2030, 4, 18))
    assert spring.half_term_starts_on == D(2030, 2, 18)
    # Easter Monday 22 Apr + 14 days = Mon 6 May; 21 Jul 2030 is a Sunday: ends Fri 19 Jul.
    assert (summer.starts_on, summer.ends_on) == (D(2030, 5, 6), D(2030, 7, 19))


@pytest.mark.parametrize("year", range(2000, 2100))
def test_standard_pattern_is_always_valid(year):
    from schools.models import term_dates_problems

    calendar = standard_calendar(year)
    assert term_dates_problems(academic_year=year, terms=calendar.terms) == {}
    assert 37 <= len(calendar.teaching_weeks()) <= 41


# --- A September 2026 starter ----------------------------------------------------------


def test_september_starter_full_time():
    result = schedule(D(2026, 9, 1))
    assert len(result) == 39 and [m.code for m in result] == [m.code for m in MODULES]
    # Week 1 is the week of Tue 1 Sep (T1); its first teaching day is Thu 3 Sep, because
    # the term starts on the 2nd and the 2nd is an INSET day.
    assert result.weeks[0].first_day == D(2026, 9, 3)
    # Y1-W03 is weeks 3-4 = T3 (14 Sep) and T4 (21 Sep): Mon 14 Sep to Fri 25 Sep.
    assert dates(result, "Y1-W03") == (D(2026, 9, 14), D(2026, 9, 25))
    # The term-1 retrieval week is week 13 = T13 (30 Nov): Mon 30 Nov to Fri 4 Dec.
    assert dates(result, "Y1-W13") == (D(2026, 11, 30), D(2026, 12, 4))
    # Y1-W14 is T14-T15: Mon 7 Dec to Fri 18 Dec, the last day of term.
    assert dates(result, "Y1-W14") == (D(2026, 12, 7), D(2026, 12, 18))
    # Y1-W16 is T16-T17: T16 is the week of 4 Jan, whose first teaching day is Wed 6 Jan
    # (4 Jan is before the term, 5 Jan an INSET day); T17 ends Fri 15 Jan.
    assert dates(result, "Y1-W16") == (D(2027, 1, 6), D(2027, 1, 15))
    # Week 26 = T26 (22 Mar): the term-2 retrieval week, Mon 22 to Fri 26 Mar.
    assert dates(result, "Y1-W26") == (D(2027, 3, 22), D(2027, 3, 26))
    # Week 27 = T27, the first week of summer (12 Apr); week 28 = T28 ends Fri 23 Apr.
    assert dates(result, "Y1-W27") == (D(2027, 4, 12), D(2027, 4, 23))
    # Week 39 = T39 (12 Jul): Mon 12 to Fri 16 Jul.
    assert dates(result, "Y1-W39") == (D(2027, 7, 12), D(2027, 7, 16))
    # Year 1 ends in T39; only T40 (Mon 19-Wed 21 Jul) is left of the summer term, fewer
    # than three weeks, so it stays free and year 2 starts with the autumn term: year 2
    # week w is teaching week 40 + w + 1. Week 1 = U1 (Thu 2 Sep), week 2 = U2 (to Fri
    # 10 Sep 2027).
    assert dates(result, "Y2-W01") == (D(2027, 9, 2), D(2027, 9, 10))
    assert result.year_two_starts_on == D(2027, 9, 2)
    assert result.year_two_gap == 1
    # Y2-W03 = U3 (13 Sep) and U4 (20 Sep): 13 to 24 Sep 2027.
    assert dates(result, "Y2-W03") == (D(2027, 9, 13), D(2027, 9, 24))
    # Y2-W13 = U13 (29 Nov): 29 Nov to 3 Dec 2027.
    assert dates(result, "Y2-W13") == (D(2027, 11, 29), D(2027, 12, 3))
    # Y2-W37 = U37 (26 Jun) and U38 (3 Jul): 26 Jun to 7 Jul 2028.
    assert dates(result, "Y2-W37") == (D(2028, 6, 26), D(2028, 7, 7))
    # Every week used came from the school's own calendars.
    assert not result.provisional


def test_a_start_date_at_the_weekend_begins_the_next_teaching_week():
    # Sat 5 Sep: the week of 31 Aug has no teaching day on or after it, so week 1 is
    # T2 (7 Sep) and Y1-W03 is T4-T5: Mon 21 Sep to Fri 2 Oct.
    result = schedule(D(2026, 9, 5))
    assert result.weeks[0].first_day == D(2026, 9, 7)
    assert dates(result, "Y1-W03") == (D(2026, 9, 21), D(2026, 10, 2))


def test_position_of_a_september_starter():
    result = schedule(D(2026, 9, 1))
    # Before the first teaching day: nothing reached, Y1-W03 opens first.
    before = position_on(result, D(2026, 8, 20))
    assert before.programme_week is None and before.current == () and before.expected_done == ()
    assert [m.code for m in before.next_up] == ["Y1-W03"]
    # Wed 16 Sep is in T3 = week 3: Y1-W03 is open; Y1-W05 opens Mon 28 Sep (T5).
    mid = position_on(result, D(2026, 9, 16))
    assert (mid.programme_week, mid.year, mid.week) == (3, 1, 3)
    assert [m.code for m in mid.current] == ["Y1-W03"]
    assert mid.expected_done == ()
    assert [m.code for m in mid.next_up] == ["Y1-W05"]
    # Wed 28 Oct is half-term: the last teaching week reached is T8 = week 8; Y1-W07
    # (T7-T8, expected by Fri 23 Oct) is due, nothing is open, Y1-W09 opens Mon 2 Nov.
    half_term = position_on(result, D(2026, 10, 28))
    assert half_term.programme_week == 8
    assert half_term.current == ()
    assert [m.code for m in half_term.expected_done] == ["Y1-W03", "Y1-W05", "Y1-W07"]
    assert [m.code for m in half_term.next_up] == ["Y1-W09"]
    # Tue 20 Jul 2027 is in T40, the free week after year 1: still year 1 week 39,
    # nothing open, year 2's first module opens on Thu 2 Sep.
    summer = position_on(result, D(2027, 7, 20))
    assert (summer.programme_week, summer.year, summer.week) == (39, 1, 39)
    assert summer.current == ()
    assert [m.code for m in summer.next_up] == ["Y2-W01"]
    # Mon 6 Sep 2027 is U2, year 2 week 2: Y2-W01 (weeks 1-2) is open.
    autumn = position_on(result, D(2027, 9, 6))
    assert (autumn.programme_week, autumn.year, autumn.week) == (41, 2, 2)
    assert [m.code for m in autumn.current] == ["Y2-W01"]


# --- January and April starters --------------------------------------------------------


def test_january_starter():
    # Start Mon 4 Jan 2027: week 1 is T16, whose first teaching day is Wed 6 Jan. Week k
    # is T(15 + k) for k <= 25 (T40), then week 25 + j is Uj.
    result = schedule(D(2027, 1, 4))
    assert result.weeks[0].first_day == D(2027, 1, 6)
    # Weeks 3-4 = T18 (18 Jan) and T19 (25 Jan): 18 to 29 Jan 2027.
    assert dates(result, "Y1-W03") == (D(2027, 1, 18), D(2027, 1, 29))
    # Week 13 = T28 (19 Apr): 19 to 23 Apr 2027.
    assert dates(result, "Y1-W13") == (D(2027, 4, 19), D(2027, 4, 23))
    # Week 26 = U1 (Thu 2 - Fri 3 Sep 2027).
    assert dates(result, "Y1-W26") == (D(2027, 9, 2), D(2027, 9, 3))
    # Week 39 = U14 (6 Dec): 6 to 10 Dec 2027.
    assert dates(result, "Y1-W39") == (D(2027, 12, 6), D(2027, 12, 10))
    # Year 1 ends in U14; only U15 (13 Dec) is left of the autumn term, so it stays free
    # and year 2 starts with the spring term: weeks 1-2 = U16 (Tue 4 Jan) and U17 (to
    # Fri 14 Jan 2028); continuous week n is counted teaching week n + 1.
    assert dates(result, "Y2-W01") == (D(2028, 1, 4), D(2028, 1, 14))
    # Y2-W13 = continuous 52 -> week 53 = U28 (Tue 18 - Fri 21 Apr 2028): the school's own.
    y2_w13 = result.module("Y2-W13")
    assert (y2_w13.release_date, y2_w13.expected_by) == (D(2028, 4, 18), D(2028, 4, 21))
    assert not y2_w13.provisional
    # Y2-W37 = continuous 76-77 -> weeks 77-78; U40 is week 65, so these are the standard
    # 2028-29 weeks V12 (20 Nov) and V13 (27 Nov): 20 Nov to 1 Dec 2028, provisional.
    y2_w37 = result.module("Y2-W37")
    assert (y2_w37.release_date, y2_w37.expected_by) == (D(2028, 11, 20), D(2028, 12, 1))
    assert y2_w37.provisional and result.provisional


def test_april_starter():
    # Start Mon 12 Apr 2027: week 1 = T27. Weeks 3-4 = T29 (26 Apr) and T30 (3 May).
    result = schedule(D(2027, 4, 12))
    assert dates(result, "Y1-W03") == (D(2027, 4, 26), D(2027, 5, 7))
    # Week 13 = T39 (12 Jul): 12 to 16 Jul 2027.
    assert dates(result, "Y1-W13") == (D(2027, 7, 12), D(2027, 7, 16))
    # Weeks 14-15 = T40 (Mon 19 Jul) and U1 (to Fri 3 Sep 2027).
    assert dates(result, "Y1-W14") == (D(2027, 7, 19), D(2027, 9, 3))


# --- A school that amended its dates --------------------------------------------------


def test_school_with_a_two_week_october_half_term():
    calendars = Calendars(CALENDAR_2026_LONG_HALF_TERM, CALENDAR_2027)
    result = schedule(D(2026, 9, 1), calendars=calendars)
    # Weeks 1-7 are T1-T7 as before; 19 Oct is now half-term, so week 8 is T9 (2 Nov)
    # and every later week k is T(k + 1).
    # Y1-W07 = weeks 7-8 = T7 (12 Oct) and T9 (2 Nov): 12 Oct to Fri 6 Nov 2026
    # (it straddled nothing before: 12 to 23 Oct).
    assert dates(result, "Y1-W07") == (D(2026, 10, 12), D(2026, 11, 6))
    # Y1-W09 = weeks 9-10 = T10 (9 Nov) and T11 (16 Nov): 9 to 20 Nov.
    assert dates(result, "Y1-W09") == (D(2026, 11, 9), D(2026, 11, 20))
    # Week 13 = T14 (7 Dec): 7 to 11 Dec.
    assert dates(result, "Y1-W13") == (D(2026, 12, 7), D(2026, 12, 11))
    # Week 39 = T40 (Mon 19 - Wed 21 Jul 2027): year 1 now ends with the school year.
    assert dates(result, "Y1-W39") == (D(2027, 7, 19), D(2027, 7, 21))
    # Year 2 weeks 1-2 = U1 (Thu 2 Sep) and U2 (to Fri 10 Sep 2027).
    assert dates(result, "Y2-W01") == (D(2027, 9, 2), D(2027, 9, 10))


# --- Pauses -----------------------------------------------------------------------------


def test_four_week_absence_in_spring_moves_later_modules_on_four_teaching_weeks():
    base = schedule(D(2026, 9, 1))
    # Absent Mon 1 Feb - Fri 5 Mar 2027: every teaching day of T20 (1 Feb), T21 (8 Feb),
    # T22 (22 Feb) and T23 (1 Mar); half-term (15 Feb) is not a teaching week anyway.
    result = schedule(D(2026, 9, 1), pauses=[Pause(D(2027, 2, 1), D(2027, 3, 5))])
    # Y1-W18 = T18-T19, before the absence: unchanged, 18 to 29 Jan.
    assert dates(result, "Y1-W18") == dates(base, "Y1-W18") == (D(2027, 1, 18), D(2027, 1, 29))
    # Y1-W20 would have been T20-T21 (1 to 12 Feb); now weeks 20-21 are T24 (8 Mar) and
    # T25 (15 Mar): 8 to 19 Mar.
    assert dates(base, "Y1-W20") == (D(2027, 2, 1), D(2027, 2, 12))
    assert dates(result, "Y1-W20") == (D(2027, 3, 8), D(2027, 3, 19))
    # Y1-W22 = T26 (22 Mar) and T27 (12 Apr, after Easter, to Fri 16 Apr): 22 Mar to
    # 16 Apr.
    assert dates(result, "Y1-W22") == (D(2027, 3, 22), D(2027, 4, 16))
    # The term-2 retrieval week 26 = T30 (3 May): 3 to 7 May (was 22 to 26 Mar).
    assert dates(result, "Y1-W26") == (D(2027, 5, 3), D(2027, 5, 7))
    # Week 39 = T43, i.e. U3 (13 Sep 2027): 13 to 17 Sep.
    assert dates(result, "Y1-W39") == (D(2027, 9, 13), D(2027, 9, 17))
    # In general: every module released from T20 on opens exactly four teaching weeks
    # later; those released before are unchanged.
    number = {
        monday: n
        for n, monday in enumerate(CALENDAR_2026.teaching_weeks() + CALENDAR_2027.teaching_weeks(), start=1)
    }

    def teaching_week(day):
        return number[day - datetime.timedelta(days=day.weekday())]

    # Year 2 moves three weeks, not four: the base schedule left T40 free before year 2
    # (fewer than three weeks of summer term after year 1); the absent ECT's year 1 ends
    # in U3, early in the autumn term, so their year 2 follows straight on.
    assert (base.year_two_gap, result.year_two_gap) == (1, 0)
    for before, after in zip(base, result):
        shift = 0 if teaching_week(before.release_date) < 20 else (4 if before.year == 1 else 3)
        assert teaching_week(after.release_date) == teaching_week(before.release_date) + shift, before.code


def test_a_partly_paused_week_still_counts():
    # Absent Mon 1 - Wed 3 Feb 2027 only: T20 still has Thu 4 and Fri 5 Feb, so it counts
    # and nothing moves.
    base = schedule(D(2026, 9, 1))
    result = schedule(D(2026, 9, 1), pauses=[Pause(D(2027, 2, 1), D(2027, 2, 3))])
    assert [(m.release_date, m.expected_by) for m in result] == [(m.release_date, m.expected_by) for m in base]


# --- Part time -----------------------------------------------------------------------


def test_half_time_ect_runs_four_school_years():
    calendars = Calendars(CALENDAR_2026, CALENDAR_2027)
    result = schedule(D(2026, 9, 1), fte=Decimal("0.5"), calendars=calendars)
    # At 0.5 FTE programme week n takes teaching weeks 2n-1 .. 2n.
    # Y1-W03 = weeks 3-4 -> teaching weeks 5..8 = T5 (28 Sep) .. T8 (to Fri 23 Oct).
    assert dates(result, "Y1-W03") == (D(2026, 9, 28), D(2026, 10, 23))
    # Y1-W05 = weeks 5-6 -> 9..12 = T9 (2 Nov) .. T12 (to Fri 27 Nov).
    assert dates(result, "Y1-W05") == (D(2026, 11, 2), D(2026, 11, 27))
    # Week 13 -> 25..26 = T25 (15 Mar) .. T26 (to Fri 26 Mar 2027).
    assert dates(result, "Y1-W13") == (D(2027, 3, 15), D(2027, 3, 26))
    # Week 39 -> 77..78 = U37 (26 Jun 2028) .. U38 (to Fri 7 Jul 2028): year 1 takes two
    # school years.
    y1_w39 = result.module("Y1-W39")
    assert (y1_w39.release_date, y1_w39.expected_by) == (D(2028, 6, 26), D(2028, 7, 7))
    assert not y1_w39.provisional
    # Year 1 ends in U38; U39 and U40 are all that is left of the summer term, so they
    # stay free: Y2-W01 = continuous 40-41 -> 79..82 + 2 = 81..84 = the standard 2028-29
    # V1 (Fri 1 Sep), V2, V3 and V4 (to Fri 22 Sep 2028): provisional.
    y2_w01 = result.module("Y2-W01")
    assert (y2_w01.release_date, y2_w01.expected_by) == (D(2028, 9, 1), D(2028, 9, 22))
    assert y2_w01.provisional
    # Y2-W37 = continuous 76-77 -> 151..154, + 2 free weeks = 153..156. The two school
    # calendars give 80 weeks and standard 2028-29 forty more (120), so these are
    # standard 2029-30 weeks 33..36: autumn 2029 has 15 (3 Sep .. 17 Dec), spring 2030 14
    # (7 Jan .. 15 Apr), and summer starts Mon 6 May (week 30): 31 = 13 May, 32 = 20 May,
    # [half-term 27 May], 33 = 3 Jun, 34 = 10 Jun, 35 = 17 Jun, 36 = 24 Jun, ending Fri
    # 28 Jun 2030.
    assert dates(result, "Y2-W37") == (D(2030, 6, 3), D(2030, 6, 28))
    assert result.module("Y2-W37").provisional
    # Four school years of calendars were read, each once.
    assert calendars.read == [2026, 2027, 2028, 2029]


def test_point_six_fte():
    result = schedule(D(2026, 9, 1), fte="0.6")
    # f = 3/5: programme week n takes teaching weeks floor((n-1)*5/3)+1 .. ceil(n*5/3).
    # Y1-W03: n=3 starts at floor(10/3)+1 = 4, n=4 ends at ceil(20/3) = 7:
    # T4 (21 Sep) .. T7 (to Fri 16 Oct).
    assert dates(result, "Y1-W03") == (D(2026, 9, 21), D(2026, 10, 16))
    # Y1-W05: n=5 starts at floor(20/3)+1 = 7 (shared with Y1-W03), n=6 ends at
    # ceil(30/3) = 10 exactly: T7 (12 Oct) .. T10 (9 Nov, to Fri 13 Nov).
    assert dates(result, "Y1-W05") == (D(2026, 10, 12), D(2026, 11, 13))
    # Y1-W39: starts at floor(190/3)+1 = 64, ends at ceil(195/3) = 65: U24 (6 Mar 2028)
    # .. U25 (to Fri 17 Mar 2028).
    assert dates(result, "Y1-W39") == (D(2028, 3, 6), D(2028, 3, 17))
    # Year 1 ends in week 65 = U25 (13 Mar 2028); U26 and U27 are all that is left of
    # the spring term, so they stay free (2 weeks). Y2-W37: n=76 starts at
    # floor(375/3)+1 = 126, n=77 ends at ceil(385/3) = 129, + 2 = 128..131: past the 120
    # weeks to the end of 2028-29, so standard 2029-30 weeks 8..11: 22 Oct, [half-term
    # 29 Oct], 5 Nov, 12 Nov, 19 Nov (to Fri 23 Nov 2029), provisional.
    assert dates(result, "Y2-W37") == (D(2029, 10, 22), D(2029, 11, 23))
    assert result.module("Y2-W37").provisional
    # The same FTE however it arrives.
    for fte in (Decimal("0.6"), 0.6, Fraction(3, 5), "0.60"):
        assert [(m.release_date, m.expected_by) for m in schedule(D(2026, 9, 1), fte=fte)] == [
            (m.release_date, m.expected_by) for m in result
        ]


def test_exact_fractions_do_not_drift():
    # At 0.7 FTE, week 21 ends at teaching week ceil(21/0.7) = ceil(30) = 30 exactly;
    # in floating point 21/0.7 is 30.000000000000004, which would give 31.
    result = schedule(D(2026, 9, 1), fte="0.7")
    # Y1-W20 (weeks 20-21): n=20 starts at floor(19/0.7)+1 = floor(27.14)+1 = 28 = T28
    # (19 Apr 2027); n=21 ends at T30 (3 May, to Fri 7 May 2027), not T31 (14 May).
    assert dates(result, "Y1-W20") == (D(2027, 4, 19), D(2027, 5, 7))


@pytest.mark.parametrize("fte", ["0", "1.5", "-0.5", "half"])
def test_fte_outside_zero_to_one_is_refused(fte):
    with pytest.raises(ScheduleError):
        schedule(D(2026, 9, 1), fte=fte)


# --- Fixed releases ------------------------------------------------------------------


def test_stretch_module_opens_on_1_november_of_year_two():
    stretch = [
        ModuleSlot("Y2-STRETCH-B", 2, 8, 38, "stretch"),
        ModuleSlot("Y2-STRETCH-LATE", 2, 20, 38, "stretch"),
    ]
    result = schedule(D(2026, 9, 1), modules=[*MODULES, *stretch])
    # Year 2 starts Thu 2 Sep 2027 (U1; T40 stays free); the first 1 November on or after
    # it is Mon 1 Nov 2027. By weeks, year 2 week 8 = U8 (18 Oct 2027), which is earlier,
    # so the module opens on 1 Nov 2027. Week 38 = U38 (3 Jul 2028), ending Fri 7 Jul.
    assert dates(result, "Y2-STRETCH-B") == (D(2027, 11, 1), D(2028, 7, 7))
    # Year 2 week 20 = U20 (31 Jan 2028), later than 1 Nov: by weeks.
    assert result.module("Y2-STRETCH-LATE").release_date == D(2028, 1, 31)
    # The other modules are untouched by the stretch rule.
    # Y2-W07 = U7 (11 Oct) and U8 (to Fri 22 Oct 2027).
    assert dates(result, "Y2-W07") == (D(2027, 10, 11), D(2027, 10, 22))


def test_january_starter_stretch_opens_on_1_november_of_their_own_year_two():
    # The January starter's year 2 starts Tue 4 Jan 2028 (U16; U15 stays free), so the
    # first 1 November on or after it is Wed 1 Nov 2028; by weeks it would open at U23
    # (28 Feb 2028). It is expected by continuous 77 -> week 78 = V13 (to Fri 1 Dec 2028).
    result = schedule(D(2027, 1, 4), modules=[*MODULES, ModuleSlot("Y2-STRETCH-B", 2, 8, 38, "stretch")])
    assert result.year_two_starts_on == D(2028, 1, 4)
    assert dates(result, "Y2-STRETCH-B") == (D(2028, 11, 1), D(2028, 12, 1))


def test_a_fixed_release_month_and_day_overrides_the_stretch_default():
    module = ModuleSlot("Y2-X", 2, 1, 2, "stretch", release_month=1, release_day=10)
    result = schedule(D(2026, 9, 1), modules=[*MODULES, module])
    # Year 2 starts 19 Jul 2027; the first 10 January after it is Mon 10 Jan 2028. The
    # module keeps its week-based end (U1, Fri 3 Sep 2027) only if that is later: it is
    # not, so it is expected by its release day.
    assert dates(result, "Y2-X") == (D(2028, 1, 10), D(2028, 1, 10))


# --- Guards --------------------------------------------------------------------------


def test_a_calendar_without_teaching_days_stops_with_a_message():
    with pytest.raises(ScheduleError, match="check the school's term dates"):
        release_schedule(
            modules=MODULES, weeks_in_year1=WEEKS_IN_YEAR1, start_date=D(2026, 9, 1),
            calendar_for_year=lambda year: Calendar(academic_year=year, terms=(), source="school"),
        )


def test_academic_year_of():
    assert academic_year_of(D(2026, 8, 1)) == 2026
    assert academic_year_of(D(2027, 7, 31)) == 2026


def test_an_absence_still_going_on_is_assumed_to_end_on_the_given_day():
    base = schedule(D(2026, 9, 1))
    # Absent since Mon 1 Feb 2027 with no return date; on Fri 19 Feb (half-term) the
    # schedule assumes the absence ends that day: T20 and T21 are skipped (two weeks),
    # so Y1-W20 moves from T20-T21 to T22 (22 Feb) - T23 (to Fri 5 Mar 2027), and every
    # date from the absence on is provisional: it moves again until the ECT is back.
    with pytest.raises(ScheduleError, match="has no end date yet"):
        schedule(D(2026, 9, 1), pauses=[Pause(D(2027, 2, 1))])
    result = release_schedule(
        modules=MODULES, weeks_in_year1=WEEKS_IN_YEAR1, start_date=D(2026, 9, 1),
        calendar_for_year=Calendars(CALENDAR_2026, CALENDAR_2027),
        pauses=[Pause(D(2027, 2, 1))], open_pauses_end_on=D(2027, 2, 19),
    )
    assert dates(result, "Y1-W20") == (D(2027, 2, 22), D(2027, 3, 5))
    assert result.module("Y1-W20").provisional
    assert dates(result, "Y1-W18") == dates(base, "Y1-W18")
    assert not result.module("Y1-W18").provisional
