"""The release schedule: programme weeks mapped onto a school's teaching weeks.

This is the one place that says when a participant's modules open and when each is
expected to be done; pages, reminders and reports all read it. It is pure: plain
dataclasses in, plain dataclasses out, no models and no database, so it can be tested
against dates worked out by hand and reused by any caller that can describe a school's
calendar (``schools.selectors.calendar_for`` builds the ``Calendar`` objects).

The rules (DESIGN.md section 4, "Release schedule"):

- A **teaching day** is a weekday inside a term, not in the term's half-term and not an
  INSET day. A **teaching week** is a Monday-Sunday week with at least one teaching day.
- **Programme week 1** is the first teaching week with a teaching day on or after the
  induction start date (so the week containing the start date when the school is open
  that week). Days before the start date do not count, so week 1 opens on the start
  date itself at the earliest. September, January and April starters alike begin at
  week 1 on their own start date.
- Programme weeks count on continuously: year 1 weeks 1..Y1, then year 2 week w is the
  continuous week Y1 + w. Holidays are not teaching weeks, so they are skipped.
- Year 2 starts with a term: when year 1 ends with fewer than YEAR_TWO_MIN_WEEKS_LEFT
  teaching weeks of its term still to come, those weeks are left free and year 2
  begins with the next term (a September starter whose school year has 40 teaching
  weeks starts year 2 in September, not in the last days of July; a January starter
  in January).
- **Pauses** (deferral, recorded absence) are date ranges. A teaching week in which the
  participant is paused on every one of its teaching days does not count, so later
  modules move on by one week; a week paused in part still counts. A pause with no end
  yet (an absence still going on) is taken to end on ``open_pauses_end_on`` (callers pass
  today: "if they came back tomorrow"), and every date after its start is provisional.
- **Part time** (statutory guidance: induction is extended pro rata): at FTE f, the
  continuous programme week n occupies the counted teaching weeks
  floor((n-1)/f)+1 .. ceil(n/f). At 0.5 FTE each programme week takes two teaching
  weeks. The FTE is read as an exact fraction from its decimal string, so 0.6 or 0.7
  never drift through floating point.
- A module (or retrieval week) is **released** on the first teaching day of its first
  teaching week and is **expected by** the last teaching day of its last teaching week.
- A module with a fixed calendar release (``release_month``/``release_day``; stretch
  modules default to 1 November) is released on the first such date on or after the
  day its programme year starts, when that is later than its week-based release.
- Calendars come from ``calendar_for_year(academic_year)``, read lazily for as many
  academic years as the schedule needs (a 0.5 FTE ECT runs four). Anything computed
  through a week of a "standard" (built-in, not confirmed) calendar is provisional.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

# --- Calendars ------------------------------------------------------------------------

SOURCE_SCHOOL = "school"
SOURCE_DELIVERY_PARTNER = "delivery partner"
SOURCE_STANDARD = "standard"
SOURCES = (SOURCE_SCHOOL, SOURCE_DELIVERY_PARTNER, SOURCE_STANDARD)

AUTUMN, SPRING, SUMMER = 1, 2, 3
TERM_SEASONS = {AUTUMN: "autumn", SPRING: "spring", SUMMER: "summer"}

# A stretch module with no fixed release of its own opens on 1 November of year 2
# (the three-strand handbook: "stretch modules open on 1 November").
STRETCH_KIND = "stretch"
STRETCH_RELEASE = (11, 1)

DAYS_PER_WEEK = 7
# A schedule that needs more weeks than this has a calendar with no teaching days or a
# pause that never ends: stop and say so rather than loop.
MAX_WEEKS_SCANNED = 52 * 15
# A new programme year does not begin in a term's last weeks: with fewer teaching weeks
# than this left in the term where year 1 ends, year 2 waits for the next term.
YEAR_TWO_MIN_WEEKS_LEFT = 3


def academic_year_of(day: datetime.date) -> int:
    """The academic year (by its starting calendar year) holding the day: 1 August to
    31 July."""
    return day.year if day.month >= 8 else day.year - 1


def academic_year_bounds(academic_year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(academic_year, 8, 1), datetime.date(academic_year + 1, 7, 31)


def academic_year_label(academic_year: int) -> str:
    return f"{academic_year} to {academic_year + 1}"


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def long_date(day: datetime.date) -> str:
    """"2 September 2026": the GOV.UK style for dates in messages."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class CalendarTerm:
    """One term of a school year: its first and last day, and its half-term break."""

    number: int  # 1 autumn, 2 spring, 3 summer
    starts_on: datetime.date
    ends_on: datetime.date
    half_term_starts_on: datetime.date | None = None
    half_term_ends_on: datetime.date | None = None

    @property
    def season(self) -> str:
        return TERM_SEASONS[self.number]

    @property
    def name(self) -> str:
        return f"{self.season} term"

    @property
    def has_half_term(self) -> bool:
        return self.half_term_starts_on is not None and self.half_term_ends_on is not None

    def holds(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def in_half_term(self, day: datetime.date) -> bool:
        return self.has_half_term and self.half_term_starts_on <= day <= self.half_term_ends_on


@dataclass(frozen=True)
class Calendar:
    """A school's (or a delivery partner's, or the standard) calendar for one academic
    year. ``source`` says whose it is; a "standard" calendar is provisional."""

    academic_year: int
    terms: tuple[CalendarTerm, ...]
    inset_days: frozenset[datetime.date] = field(default_factory=frozenset)
    source: str = SOURCE_STANDARD

    @property
    def provisional(self) -> bool:
        return self.source == SOURCE_STANDARD

    @property
    def label(self) -> str:
        return academic_year_label(self.academic_year)

    @property
    def inset_days_in_order(self) -> list[datetime.date]:
        return sorted(self.inset_days)

    def term(self, number: int) -> CalendarTerm | None:
        return next((t for t in self.terms if t.number == number), None)

    def term_holding(self, day: datetime.date) -> CalendarTerm | None:
        return next((t for t in self.terms if t.holds(day)), None)

    def is_teaching_day(self, day: datetime.date) -> bool:
        if day.weekday() >= 5 or day in self.inset_days:
            return False
        term = self.term_holding(day)
        return term is not None and not term.in_half_term(day)

    def teaching_days(self, term: CalendarTerm | None = None) -> list[datetime.date]:
        terms = [term] if term is not None else self.terms
        days = []
        for t in terms:
            day = t.starts_on
            while day <= t.ends_on:
                if self.is_teaching_day(day):
                    days.append(day)
                day += datetime.timedelta(days=1)
        return days

    def teaching_weeks(self, term: CalendarTerm | None = None) -> list[datetime.date]:
        """The Mondays of the teaching weeks (of one term, or of the year)."""
        return sorted({monday_of(day) for day in self.teaching_days(term)})

    @property
    def weeks_per_term(self) -> list[tuple[CalendarTerm, int]]:
        """Each term with its number of teaching weeks, for pages."""
        return [(term, len(self.teaching_weeks(term))) for term in self.terms]


# --- The standard pattern -------------------------------------------------------------


def easter_sunday(year: int) -> datetime.date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm,
    Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def _next_weekday(day: datetime.date, weekday: int) -> datetime.date:
    """The first day on or after ``day`` falling on ``weekday`` (0 = Monday)."""
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _last_weekday_of_month(year: int, month: int, weekday: int) -> datetime.date:
    first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    last = first_of_next - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


def _week_from(monday: datetime.date) -> tuple[datetime.date, datetime.date]:
    return monday, monday + datetime.timedelta(days=4)


def standard_calendar(academic_year: int) -> Calendar:
    """The built-in pattern of an English school year, used until the school or its
    delivery partner sets real dates (so every date it gives is provisional):

    - Autumn: the first weekday on or after 1 September to the Friday before the week
      holding 25 December; half-term the week beginning the last Monday of October.
    - Spring: the first Monday on or after 2 January to the Thursday before Good Friday;
      half-term the week beginning the first Monday on or after 12 February.
    - Summer: the Monday two weeks after Easter Monday to 21 July (the Friday before when
      21 July falls at a weekend); half-term the week of the late-May bank holiday (the
      last Monday of May).
    - No INSET days: each school chooses its own.
    """
    y1, y2 = academic_year, academic_year + 1
    autumn_start = datetime.date(y1, 9, 1)
    while autumn_start.weekday() >= 5:
        autumn_start += datetime.timedelta(days=1)
    christmas_week = monday_of(datetime.date(y1, 12, 25))
    autumn_end = christmas_week - datetime.timedelta(days=3)
    autumn_half = _week_from(_last_weekday_of_month(y1, 10, 0))

    easter = easter_sunday(y2)
    spring_start = _next_weekday(datetime.date(y2, 1, 2), 0)
    spring_end = easter - datetime.timedelta(days=3)  # Thursday before Good Friday
    spring_half = _week_from(_next_weekday(datetime.date(y2, 2, 12), 0))

    summer_start = easter + datetime.timedelta(days=1 + 14)
    summer_end = datetime.date(y2, 7, 21)
    while summer_end.weekday() >= 5:
        summer_end -= datetime.timedelta(days=1)
    summer_half = _week_from(_last_weekday_of_month(y2, 5, 0))

    return Calendar(
        academic_year=academic_year,
        terms=(
            CalendarTerm(AUTUMN, autumn_start, autumn_end, *autumn_half),
            CalendarTerm(SPRING, spring_start, spring_end, *spring_half),
            CalendarTerm(SUMMER, summer_start, summer_end, *summer_half),
        ),
        source=SOURCE_STANDARD,
    )


# --- The schedule ---------------------------------------------------------------------


class ScheduleError(ValueError):
    """A schedule that cannot be computed, with a message a person can act on."""


@dataclass(frozen=True)
class ModuleSlot:
    """A module's place in the programme: its year and its first and last week in that
    year. ``release_month``/``release_day`` give a fixed calendar release, if any."""

    code: str
    year: int
    start_week: int
    end_week: int
    kind: str = "self_study"
    release_month: int | None = None
    release_day: int | None = None

    @property
    def fixed_release(self) -> tuple[int, int] | None:
        if self.release_month and self.release_day:
            return self.release_month, self.release_day
        if self.kind == STRETCH_KIND:
            return STRETCH_RELEASE
        return None


@dataclass(frozen=True)
class Pause:
    """A period (inclusive) in which the participant's programme is paused: a deferral
    or a recorded absence. ``ends_on`` is None while it lasts."""

    starts_on: datetime.date
    ends_on: datetime.date | None = None

    def covers(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class TeachingWeek:
    """A teaching week that counts for the participant (``number`` 1, 2, ...)."""

    number: int
    monday: datetime.date
    first_day: datetime.date  # first teaching day (on or after the start date in week 1)
    last_day: datetime.date
    # This week, or one before it, came from a standard calendar or follows the start of
    # an open pause: the week may still move.
    provisional: bool
    term: tuple[int, int] | None = None  # (academic year, term number) of its first teaching day


@dataclass(frozen=True)
class ScheduledModule:
    """A module placed in time: open from ``release_date``, expected done by
    ``expected_by``; ``provisional`` when those dates rest on a standard calendar (or an
    open pause) and may move."""

    code: str
    year: int
    start_week: int
    end_week: int
    kind: str
    release_date: datetime.date
    expected_by: datetime.date
    provisional: bool


@dataclass(frozen=True)
class Schedule(Sequence):
    """The scheduled modules, in programme order (a sequence of ``ScheduledModule``),
    with the counted teaching weeks they were placed in."""

    modules: tuple[ScheduledModule, ...]
    weeks: tuple[TeachingWeek, ...]
    start_date: datetime.date
    weeks_in_year1: int
    fte: Fraction
    year_two_starts_on: datetime.date | None
    year_two_gap: int = 0  # teaching weeks left free between year 1 and year 2

    def __getitem__(self, index):
        return self.modules[index]

    def __len__(self):
        return len(self.modules)

    @property
    def provisional(self) -> bool:
        return any(m.provisional for m in self.modules)

    @property
    def last_programme_week(self) -> int:
        return max((_continuous(m.year, m.end_week, self.weeks_in_year1) for m in self.modules), default=0)

    def module(self, code: str) -> ScheduledModule:
        return next(m for m in self.modules if m.code == code)


def parse_fte(fte) -> Fraction:
    """An FTE as an exact fraction in (0, 1]: from a Decimal, a decimal string, an int
    or a Fraction (a float is read through its shortest decimal string)."""
    if isinstance(fte, Fraction):
        value = fte
    elif isinstance(fte, (Decimal, int)):
        value = Fraction(fte)
    else:
        try:
            value = Fraction(str(fte))
        except ValueError:
            raise ScheduleError(
                f"{fte!r} is not a working pattern: give the FTE as a decimal, for example 0.6."
            ) from None
    if not 0 < value <= 1:
        raise ScheduleError(
            f"An FTE of {fte} is outside 0 to 1: give the share of a full-time timetable, for example 0.5."
        )
    return value


def _continuous(year: int, week: int, weeks_in_year1: int) -> int:
    return week if year == 1 else weeks_in_year1 + week


def first_teaching_week(n: int, fte: Fraction) -> int:
    """The first counted teaching week of continuous programme week ``n``."""
    return math.floor((n - 1) / fte) + 1


def last_teaching_week(n: int, fte: Fraction) -> int:
    """The last counted teaching week of continuous programme week ``n``."""
    return math.ceil(n / fte)


def programme_week_of(teaching_week: int, fte: Fraction) -> int:
    """The latest continuous programme week started by counted teaching week k: the
    largest n with floor((n-1)/f)+1 <= k, which is ceil(k*f)."""
    return math.ceil(teaching_week * fte)


class _TeachingWeeks:
    """The participant's counted teaching weeks, found lazily week by week from the start
    date, reading each academic year's calendar once."""

    def __init__(self, *, start_date, calendar_for_year, pauses, provisional_from=None):
        self.start_date = start_date
        self.calendar_for_year = calendar_for_year
        self.pauses = tuple(pauses)
        self.provisional_from = provisional_from  # an open pause's start: later dates may move
        self.calendars: dict[int, Calendar] = {}
        self.weeks: list[TeachingWeek] = []
        self.monday = monday_of(start_date)
        self.scanned = 0
        self.provisional = False

    def calendar(self, day):
        year = academic_year_of(day)
        if year not in self.calendars:
            self.calendars[year] = self.calendar_for_year(year)
        return self.calendars[year]

    def paused(self, day):
        return any(p.covers(day) for p in self.pauses)

    def week(self, number: int) -> TeachingWeek:
        while len(self.weeks) < number:
            self._scan_next()
        return self.weeks[number - 1]

    def _scan_next(self):
        while True:
            if self.scanned >= MAX_WEEKS_SCANNED:
                raise ScheduleError(
                    f"No teaching weeks found for {MAX_WEEKS_SCANNED // 52} years after "
                    f"{long_date(self.start_date)}: check the school's term dates and the "
                    "participant's pauses (an absence needs an end date)."
                )
            monday = self.monday
            self.monday += datetime.timedelta(days=DAYS_PER_WEEK)
            self.scanned += 1
            days = [monday + datetime.timedelta(days=i) for i in range(DAYS_PER_WEEK)]
            for day in days:
                if self.calendar(day).provisional:
                    self.provisional = True
            if self.provisional_from is not None and days[-1] >= self.provisional_from:
                self.provisional = True
            teaching = [d for d in days if d >= self.start_date and self.calendar(d).is_teaching_day(d)]
            if not teaching:
                continue  # a holiday (or before the start): not a teaching week
            if all(self.paused(d) for d in teaching):
                continue  # paused on every teaching day: the week does not count
            holding = self.calendar(teaching[0]).term_holding(teaching[0])
            self.weeks.append(
                TeachingWeek(
                    number=len(self.weeks) + 1,
                    monday=monday,
                    first_day=teaching[0],
                    last_day=teaching[-1],
                    provisional=self.provisional,
                    term=(academic_year_of(teaching[0]), holding.number if holding else 0),
                )
            )
            return


def _first_on_or_after(day: datetime.date, month: int, dom: int) -> datetime.date:
    year = day.year
    while True:
        try:
            candidate = datetime.date(year, month, dom)
        except ValueError:  # 29 February in a common year
            year += 1
            continue
        if candidate >= day:
            return candidate
        year += 1


def release_schedule(
    *,
    modules: Iterable[ModuleSlot],
    weeks_in_year1: int,
    start_date: datetime.date,
    calendar_for_year: Callable[[int], Calendar],
    fte=1,
    pauses: Iterable[Pause] = (),
    open_pauses_end_on: datetime.date | None = None,
) -> Schedule:
    """Each module's release date and expected-by date for a participant who starts
    induction on ``start_date`` at ``fte``, in the school calendars given by
    ``calendar_for_year``. See the module docstring for the rules."""
    fte = parse_fte(fte)
    given = [p if isinstance(p, Pause) else Pause(*p) for p in pauses]
    pauses, open_starts = [], []
    for pause in given:
        if pause.ends_on is None:
            if open_pauses_end_on is None:
                raise ScheduleError(
                    f"The pause from {long_date(pause.starts_on)} has no end date yet: pass the day to assume "
                    "it ends (open_pauses_end_on, usually today)."
                )
            open_starts.append(pause.starts_on)
            pause = Pause(pause.starts_on, max(pause.starts_on, open_pauses_end_on))
        if pause.ends_on < pause.starts_on:
            raise ScheduleError(
                f"The pause from {long_date(pause.starts_on)} ends before it starts "
                f"({long_date(pause.ends_on)}): correct its last day."
            )
        pauses.append(pause)
    weeks = _TeachingWeeks(
        start_date=start_date, calendar_for_year=calendar_for_year, pauses=pauses,
        provisional_from=min(open_starts, default=None),
    )

    modules = list(modules)
    needs_year_two = any(slot.year == 2 for slot in modules)
    gap = _year_two_gap(weeks, last_teaching_week(weeks_in_year1, fte)) if needs_year_two else 0

    def teaching_week(year, week, rule):
        number = rule(_continuous(year, week, weeks_in_year1), fte)
        return weeks.week(number + gap if year == 2 else number)

    def year_starts_on(year):
        return teaching_week(year, 1, first_teaching_week).first_day

    scheduled = []
    for slot in modules:
        first = teaching_week(slot.year, slot.start_week, first_teaching_week)
        last = teaching_week(slot.year, slot.end_week, last_teaching_week)
        release, expected_by = first.first_day, last.last_day
        if slot.fixed_release:
            fixed = _first_on_or_after(year_starts_on(slot.year), *slot.fixed_release)
            release = max(release, fixed)
            expected_by = max(expected_by, release)
        scheduled.append(
            ScheduledModule(
                code=slot.code,
                year=slot.year,
                start_week=slot.start_week,
                end_week=slot.end_week,
                kind=slot.kind,
                release_date=release,
                expected_by=expected_by,
                provisional=last.provisional,
            )
        )
    return Schedule(
        modules=tuple(scheduled),
        weeks=tuple(weeks.weeks),
        start_date=start_date,
        weeks_in_year1=weeks_in_year1,
        fte=fte,
        year_two_starts_on=year_starts_on(2) if needs_year_two else None,
        year_two_gap=gap,
    )


def _year_two_gap(weeks: "_TeachingWeeks", year_one_last: int) -> int:
    """How many counted teaching weeks to leave free after year 1's last week so that
    year 2 starts with a term (YEAR_TWO_MIN_WEEKS_LEFT)."""
    term = weeks.week(year_one_last + 1).term
    left = 0
    while left < YEAR_TWO_MIN_WEEKS_LEFT and weeks.week(year_one_last + 1 + left).term == term:
        left += 1
    return left if left < YEAR_TWO_MIN_WEEKS_LEFT else 0


# --- Where a participant is today -----------------------------------------------------


@dataclass(frozen=True)
class Position:
    """Where a participant stands on a day: the programme week reached (None before the
    first teaching day), the modules open now, those expected done by now, and the
    next to open (all modules sharing the earliest release date still to come)."""

    today: datetime.date
    programme_week: int | None
    year: int | None
    week: int | None
    current: tuple[ScheduledModule, ...]
    expected_done: tuple[ScheduledModule, ...]
    next_up: tuple[ScheduledModule, ...]


def position_on(schedule: Schedule, today: datetime.date) -> Position:
    current = tuple(m for m in schedule if m.release_date <= today <= m.expected_by)
    done = tuple(m for m in schedule if m.expected_by < today)
    upcoming = [m for m in schedule if m.release_date > today]
    first_release = min((m.release_date for m in upcoming), default=None)
    next_up = tuple(m for m in upcoming if m.release_date == first_release)

    reached = [w for w in schedule.weeks if w.first_day <= today]
    if reached:
        k = reached[-1].number
        year_one_last = last_teaching_week(schedule.weeks_in_year1, schedule.fte)
        if k > year_one_last + schedule.year_two_gap:
            k -= schedule.year_two_gap
        elif k > year_one_last:
            k = year_one_last  # the free weeks between the years: year 1 just finished
        n = min(programme_week_of(k, schedule.fte), schedule.last_programme_week)
        year, week = (1, n) if n <= schedule.weeks_in_year1 else (2, n - schedule.weeks_in_year1)
    else:
        n = year = week = None
    return Position(
        today=today, programme_week=n, year=year, week=week,
        current=current, expected_done=done, next_up=next_up,
    )
