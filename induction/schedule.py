"""The statutory induction schedule: the one rule, read by the pages, the PDF and CSV
exports, the ``induction_schedule`` command and (when it lands) the reminders.

Statutory guidance "Induction for early career teachers (England)" (DESIGN.md section 8):

- Induction lasts the full-time equivalent of two school years: six terms. Each term
  served counts by the FTE worked in it, so a 0.5 FTE ECT serves twelve terms (four
  school years).
- A progress review in each term without a formal assessment, whatever the working
  pattern; formal assessments at the end of year 1 and of year 2 (or their part-time
  equivalents: when three and six FTE terms have been served).
- An ECT who starts partway through term one has each review at the same point of the
  following terms ("a start halfway through term one means a review by halfway
  through term two").
- A review less than one term before a formal assessment is not needed.
- Reviews and assessments are not held while the ECT is absent: one falling in an
  absence moves to the ECT's return.
- When absences reach 30 days in total, the induction is extended by their aggregate;
  statutory maternity leave does not count unless the ECT asked for it to.

How time is measured. The "terms" are the school's own term dates (``schools.selectors``
calendar, falling back to the delivery partner's and the standard pattern). A day in a
term counts 1/L of a term, where L is that term's length in calendar days; days between
terms count nothing. An "induction term" is one term's worth of elapsed time from the
start, so a September starter's induction terms are the school terms, and a mid-term
starter's run from the same point of one term to the same point of the next.

How "days" of absence are counted: calendar days from the first to the last day absent,
both included, as the guidance speaks of being "absent on 30 or more days" without
limiting it to working days. Only days on or after the induction start count. The
extension is then served in term time: the expected end is the date that many term
calendar days after the unextended end (an extension over the summer holiday does not
end in the holiday).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from fractions import Fraction

from programme.schedule import academic_year_of, long_date, parse_fte

FTE_TERMS_YEAR_ONE = 3  # the end of year 1: three full-time-equivalent terms
FTE_TERMS_TOTAL = 6  # two school years, full-time equivalent
ABSENCE_EXTENSION_THRESHOLD_DAYS = 30
DUE_SOON_DAYS = 28  # an item is "due" in the four weeks before its date (and reminders start then)
MAX_YEARS = 25  # 0.1 FTE needs twenty years; a guard against a calendar with no terms

REVIEW = "progress_review"
ASSESSMENT = "formal_assessment"

DONE, DUE, OVERDUE, UPCOMING = "done", "due", "overdue", "upcoming"
STATUS_LABELS = {DONE: "Done", DUE: "Due", OVERDUE: "Overdue", UPCOMING: "Upcoming"}
STATUS_COLOURS = {DONE: "green", DUE: "blue", OVERDUE: "red", UPCOMING: "grey"}

MATERNITY = "maternity"

# A start in the first fortnight of a term counts from the term's first day: contracts
# start on 1 September while the first teaching day may be the 3rd, and the guidance
# treats that ECT as a start-of-term starter. A later start is a mid-term start.
START_OF_TERM_DAYS = 14


@dataclass(frozen=True)
class AbsenceFact:
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    extends_induction: bool = False
    label: str = ""

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


@dataclass
class ScheduleItem:
    kind: str  # REVIEW or ASSESSMENT
    number: int  # the induction term for a review; 1 or 2 for an assessment
    term: int  # the induction term holding the due date
    due_on: dt.date
    school_term: str  # "spring term 2027"
    status: str = UPCOMING
    moved_from: dt.date | None = None  # the due date before an absence moved it
    record: object = None

    @property
    def title(self):
        if self.kind == REVIEW:
            return f"Progress review, term {self.number}"
        return f"Formal assessment {self.number}"

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def status_colour(self):
        return STATUS_COLOURS[self.status]

    def as_json(self):
        return {
            "kind": self.kind,
            "title": self.title,
            "term": self.term,
            "school_term": self.school_term,
            "due": self.due_on.isoformat(),
            "moved_from": self.moved_from.isoformat() if self.moved_from else None,
            "status": self.status,
        }


@dataclass
class Extension:
    days: int
    counted: list = field(default_factory=list)  # (absence, days) that count
    not_counted: list = field(default_factory=list)  # (absence, reason)

    @property
    def reasons(self) -> list[str]:
        lines = [f"{a.label or a.kind}: {long_date(a.starts_on)} to {long_date(a.ends_on)}, {d} days"
                 for a, d in self.counted]
        lines += [f"{a.label or a.kind}: {long_date(a.starts_on)} to {long_date(a.ends_on)}, not counted ({why})"
                  for a, why in self.not_counted]
        return lines


@dataclass
class InductionSchedule:
    start: dt.date
    base_end: dt.date  # without any extension
    expected_end: dt.date
    extension: Extension
    absence_days: int  # counted towards the 30-day threshold
    items: list[ScheduleItem]
    terms_served: Fraction  # FTE terms served by ``today``
    fte_now: Fraction
    today: dt.date

    @property
    def reviews(self):
        return [i for i in self.items if i.kind == REVIEW]

    @property
    def assessments(self):
        return [i for i in self.items if i.kind == ASSESSMENT]

    @property
    def next_item(self):
        return next((i for i in self.items if i.status != DONE), None)

    @property
    def terms_served_display(self):
        value = round(float(self.terms_served), 1)
        return f"{value:g}"

    def as_json(self):
        return {
            "start": self.start.isoformat(),
            "expected_end": self.expected_end.isoformat(),
            "end_without_extension": self.base_end.isoformat(),
            "terms_served": self.terms_served_display,
            "terms_required": FTE_TERMS_TOTAL,
            "extension": {"days": self.extension.days, "reasons": self.extension.reasons},
            "progress_reviews": [i.as_json() for i in self.reviews],
            "formal_assessments": [i.as_json() for i in self.assessments],
        }


@dataclass(frozen=True)
class _Day:
    date: dt.date
    term_label: str
    elapsed: Fraction  # induction terms elapsed by the end of this day
    elapsed_before: Fraction  # ... and by its start
    served: Fraction  # FTE terms served by the end of this day


def fte_on(day, *, base_fte, changes):
    """The FTE on a day: the latest working-pattern change on or before it, else the
    FTE registered on the ECT record. ``changes`` is [(starts_on, fte)] in date order."""
    value = base_fte
    for starts_on, fte in changes:
        if starts_on <= day:
            value = fte
    return value


def _timeline(start, *, calendar_for_year, base_fte, changes, need_elapsed):
    """Every calendar day in a school term from the start, with the induction terms
    elapsed and FTE terms served at its end, until both the FTE total is served and
    ``need_elapsed`` induction terms have elapsed."""
    days = []
    elapsed = served = Fraction(0)
    year = academic_year_of(start)
    for year in range(year, year + MAX_YEARS):
        for term in calendar_for_year(year).terms:
            if term.ends_on < start:
                continue
            length = (term.ends_on - term.starts_on).days + 1
            label = f"{term.season} term {term.starts_on.year}"
            day = max(term.starts_on, start)
            while day <= term.ends_on:
                before = elapsed
                elapsed += Fraction(1, length)
                served += fte_on(day, base_fte=base_fte, changes=changes) / length
                days.append(_Day(day, label, elapsed, before, served))
                day += dt.timedelta(days=1)
            if served >= FTE_TERMS_TOTAL and elapsed >= need_elapsed:
                return days
    raise ValueError("The school's calendar has no terms far enough ahead to finish this induction.")


def counting_start(start, calendar_for_year):
    """The day the terms are counted from (see ``START_OF_TERM_DAYS``)."""
    for term in calendar_for_year(academic_year_of(start)).terms:
        if term.ends_on >= start:
            if (start - term.starts_on).days < START_OF_TERM_DAYS:
                return term.starts_on
            return start
    return start


def _first_reaching(days, attr, value):
    return next(d for d in days if getattr(d, attr) >= value)


def _extension(absences, start):
    counted, not_counted = [], []
    for absence in absences:
        if absence.ends_on < start:
            not_counted.append((absence, "before the induction started"))
            continue
        if absence.kind == MATERNITY and not absence.extends_induction:
            not_counted.append((absence, "statutory maternity leave; the ECT has not asked for it to extend induction"))
            continue
        days = (absence.ends_on - max(absence.starts_on, start)).days + 1
        counted.append((absence, days))
    total = sum(d for _, d in counted)
    return total, Extension(days=total if total >= ABSENCE_EXTENSION_THRESHOLD_DAYS else 0,
                            counted=counted, not_counted=not_counted)


def _return_day(day, absences, days_by_date, days):
    """The day an item falling in an absence moves to: the first term day after the
    absence (absences running back to back are crossed together)."""
    moved = day
    changed = True
    while changed:
        changed = False
        for a in absences:
            if a.starts_on <= moved <= a.ends_on:
                moved = a.ends_on + dt.timedelta(days=1)
                changed = True
    if moved == day:
        return day
    return next((d.date for d in days if d.date >= moved), moved)


def compute_schedule(*, start, base_fte, calendar_for_year, changes=(), absences=(), reviews=(), assessments=(),
                     today):
    """The statutory schedule from the facts (pure: no database).

    ``changes``: [(starts_on, fte)]; ``absences``: [AbsenceFact]; ``reviews``: records
    with ``term`` (and ``held_on``); ``assessments``: records with ``which``. When
    ``calendar_for_year`` keeps a ``memo`` (``schools.selectors.CalendarReader``), ECTs
    with the same facts at schools with the same calendars share the dates' computation.
    """
    base_fte = parse_fte(base_fte)
    changes = tuple(sorted((d, parse_fte(f)) for d, f in changes))
    absences = tuple(sorted(absences, key=lambda a: a.starts_on))
    memo = getattr(calendar_for_year, "memo", None)
    key = ("induction-plan", start, base_fte, changes, absences, today)
    plan = memo.get(key) if memo is not None else None
    if plan is None:
        plan = _plan(start=start, base_fte=base_fte, calendar_for_year=calendar_for_year, changes=changes,
                     absences=absences, today=today)
        if memo is not None:
            memo[key] = plan
    items = [replace(i) for i in plan["items"]]  # each ECT gets its own (status, record)
    by_term = {r.term: r for r in reviews}
    by_which = {a.which: a for a in assessments}
    for it in items:
        it.record = by_term.get(it.number) if it.kind == REVIEW else by_which.get(it.number)
        if it.record is not None:
            it.status = DONE
        elif today > it.due_on:
            it.status = OVERDUE
        elif (it.due_on - today).days <= DUE_SOON_DAYS:
            it.status = DUE
        else:
            it.status = UPCOMING
    return InductionSchedule(
        start=start, base_end=plan["base_end"], expected_end=plan["expected_end"], extension=plan["extension"],
        absence_days=plan["absence_days"], items=items, terms_served=plan["terms_served"],
        fte_now=fte_on(today, base_fte=base_fte, changes=changes), today=today,
    )


def _plan(*, start, base_fte, calendar_for_year, changes, absences, today):
    """The dates: the end, each review's and assessment's due date, the terms served."""
    absence_days, extension = _extension(absences, start)
    count_from = counting_start(start, calendar_for_year)

    # First a timeline long enough for the unextended end; then, knowing the
    # extension, one long enough to serve it in term time.
    days = _timeline(count_from, calendar_for_year=calendar_for_year, base_fte=base_fte, changes=changes,
                     need_elapsed=0)
    base_end_day = _first_reaching(days, "served", FTE_TERMS_TOTAL)
    if extension.days:
        need = base_end_day.elapsed + 1 + Fraction(extension.days, 40)  # a generous bound: terms are over 40 days
        days = _timeline(count_from, calendar_for_year=calendar_for_year, base_fte=base_fte, changes=changes,
                         need_elapsed=need)
    index = {d.date: i for i, d in enumerate(days)}
    end_day = days[index[base_end_day.date] + extension.days]
    year_one_day = _first_reaching(days, "served", FTE_TERMS_YEAR_ONE)

    def term_of(day):
        """The induction term a day falls in."""
        return math.floor(day.elapsed_before) + 1

    def item(kind, number, day):
        moved = _return_day(day.date, absences, index, days)
        at = days[index[moved]] if moved in index else day
        return ScheduleItem(kind=kind, number=number, term=term_of(at), due_on=moved, school_term=at.term_label,
                            moved_from=day.date if moved != day.date else None)

    assessments_due = [item(ASSESSMENT, 1, year_one_day), item(ASSESSMENT, 2, end_day)]
    assessment_terms = {term_of(year_one_day), term_of(end_day)}
    assessment_points = [year_one_day.elapsed, end_day.elapsed]

    reviews_due = []
    for n in range(1, term_of(end_day) + 1):
        if n in assessment_terms:
            continue
        point = _first_reaching(days, "elapsed", n)
        # Statutory guidance: a review less than a term before a formal assessment is
        # not needed (only the assessment is held).
        if any(0 <= p - n < 1 for p in assessment_points):
            continue
        reviews_due.append(item(REVIEW, n, point))

    served = Fraction(0)
    for d in days:
        if d.date > today:
            break
        served = d.served
    return {
        "base_end": base_end_day.date, "expected_end": end_day.date, "extension": extension,
        "absence_days": absence_days, "terms_served": min(served, Fraction(FTE_TERMS_TOTAL)),
        "items": sorted(reviews_due + assessments_due, key=lambda i: (i.due_on, i.kind != REVIEW)),
    }
