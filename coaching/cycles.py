"""Coaching cycles: the one cadence rule.

Instructional coaching runs in cycles of an observation and a coaching meeting (DESIGN.md
section 5; the three-strand handbook): **weekly in year 1, fortnightly in year 2**
(``CYCLE_WEEKS``). Cycles follow the participant's counted teaching weeks from the
release schedule (``programme.schedule``): holidays are not teaching weeks, and a week
in which the ECT is paused (deferred, or absent) on every teaching day does not count,
so the cycles pause with them. The free weeks the schedule leaves between year 1 and
year 2 hold no cycle.

A cycle runs from the Monday of its first teaching week to the day before the next
cycle's Monday, so a meeting held in a holiday belongs to the cycle before it. Like the
schedule, this is pure: it is given the ECT's facts and a calendar reader.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass

from programme import schedule as release

# Teaching weeks per coaching cycle in each programme year: weekly, then fortnightly.
CYCLE_WEEKS = {1: 1, 2: 2}


def cadence_label(year: int) -> str:
    return "weekly" if CYCLE_WEEKS.get(year, 1) == 1 else "fortnightly"


@dataclass(frozen=True)
class Cycle:
    number: int  # 1, 2, ... over the whole induction
    year: int  # programme year 1 or 2
    starts_on: datetime.date  # Monday of its first teaching week
    ends_on: datetime.date  # the day before the next cycle starts
    first_day: datetime.date  # first teaching day
    last_day: datetime.date  # last teaching day
    provisional: bool = False

    def holds(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def weeks(self) -> int:
        return CYCLE_WEEKS[self.year]


def coaching_cycles(
    *,
    weeks_in_year1: int,
    weeks_in_year2: int | None,
    start_date: datetime.date,
    calendar_for_year,
    fte=1,
    pauses=(),
    open_pauses_end_on: datetime.date | None = None,
) -> tuple[Cycle, ...]:
    """Every coaching cycle of an ECT's induction, in order."""
    slots = [release.ModuleSlot(code="end-of-year-1", year=1, start_week=weeks_in_year1, end_week=weeks_in_year1)]
    if weeks_in_year2:
        slots.append(release.ModuleSlot(code="end-of-year-2", year=2, start_week=weeks_in_year2, end_week=weeks_in_year2))
    schedule = release.release_schedule(
        modules=slots, weeks_in_year1=weeks_in_year1, start_date=start_date, calendar_for_year=calendar_for_year,
        fte=fte, pauses=pauses, open_pauses_end_on=open_pauses_end_on,
    )
    weeks = schedule.weeks
    year_one_last = release.last_teaching_week(weeks_in_year1, schedule.fte)
    groups = []  # (year, [TeachingWeek, ...])
    for week in weeks[:year_one_last]:
        groups.append((1, [week]))
    if weeks_in_year2:
        year_two_last = release.last_teaching_week(weeks_in_year1 + weeks_in_year2, schedule.fte) + schedule.year_two_gap
        year_two = weeks[year_one_last + schedule.year_two_gap:year_two_last]
        size = CYCLE_WEEKS[2]
        for index in range(0, len(year_two), size):
            groups.append((2, list(year_two[index:index + size])))
    cycles = []
    for number, (year, group) in enumerate(groups, start=1):
        cycles.append(Cycle(
            number=number, year=year, starts_on=group[0].monday, ends_on=group[-1].monday + datetime.timedelta(days=6),
            first_day=group[0].first_day, last_day=group[-1].last_day,
            provisional=any(w.provisional for w in group),
        ))
    # Each cycle reaches to the day before the next one starts (holidays between them).
    stretched = [
        Cycle(**{**c.__dict__, "ends_on": nxt.starts_on - datetime.timedelta(days=1)})
        if nxt.year == c.year else c
        for c, nxt in zip(cycles, cycles[1:])
    ]
    return tuple(stretched + cycles[-1:])


def cycle_on(cycles, day: datetime.date) -> Cycle | None:
    """The cycle holding a day, or None (before the first, between the years, after the
    last). ``cycles`` are in order and do not overlap: found by bisection."""
    index = bisect.bisect_right([c.starts_on for c in cycles], day) - 1
    if index >= 0 and cycles[index].holds(day):
        return cycles[index]
    return None
