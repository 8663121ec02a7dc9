"""Release time: the one place for its rules (DESIGN.md sections 7 and 8).

Statutory guidance ("Induction for early career teachers (England)"): in year 1 of
induction an ECT teaches no more than 90% of the timetable of the school's existing
main-pay-range teachers, in year 2 no more than 95% (on top of PPA time), pro rata for
part-time ECTs. Mentors are recommended one hour a week per ECT in year 1; in year 2 the
coaching is fortnightly (``coaching.cycles.CYCLE_WEEKS``), so an hour a fortnight.

For each ECT and term:

- **full timetable** = standard x FTE (what a main-pay-range colleague on the same FTE
  teaches);
- **ceiling** (the maximum teaching) = standard x FTE x 90% (year 1) or 95% (year 2);
- **reduction due** (the entitlement) = full timetable - ceiling;
- **provision** (the reduction given) = full timetable - actual teaching hours;
- **shortfall** = max(0, actual - ceiling).

Arithmetic is Decimal. The two figures derived by multiplication (the full timetable
and the ceiling) are worked exactly and then rounded *down* to 2 decimal places: a
ceiling is a maximum, so it is never rounded up (22.5 x 95% = 21.375 is shown as 21.37),
and the provision is never overstated. Every other figure is a difference of 2-dp
numbers, so exact: the page, the PDF and the summary always add up.

The year a term falls in comes from the ECT's release schedule (``programme.schedule``
via ``programme.progress.release_schedules``): it starts year 1 at the induction start,
stretches it by 1/FTE for part-time ECTs (a 0.5 FTE ECT's year 1 lasts two school
years: the statutory "part-time equivalent"), moves it on through long absences and
starts year 2 with a term. A term is a year-2 term when year 2 has begun by its first
teaching day; a term in which year 1 ends is a year-1 term (the larger reduction holds
until year 1 is over, so a single figure for the term may not be lower). Only for a
programme with no year 2 placed in its schedule does the cohort's year stand in
(``participants.selectors.programme_year``).

Missing figures are "missing", never compliant. ``school_release_time`` reads a school's
term in a fixed number of queries, whatever the number of ECTs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from coaching.cycles import CYCLE_WEEKS, cadence_label
from participants.models import ECT, ECTAtSchool
from participants.selectors import programme_year
from programme.schedule import TERM_SEASONS, academic_year_label, academic_year_of, long_date

# --- The rules ---------------------------------------------------------------------------

# Statutory guidance: an ECT teaches no more than 90% of a main-pay-range teacher's
# timetable in year 1 of induction and no more than 95% in year 2.
TIMETABLE_CEILING = {1: Decimal("0.90"), 2: Decimal("0.95")}
# DESIGN.md section 7: mentors are recommended one hour a week per ECT, an hour for each
# coaching cycle (weekly in year 1, fortnightly in year 2: coaching.cycles.CYCLE_WEEKS).
MENTOR_HOURS_PER_CYCLE = Decimal("1")
# The longest plausible week of teaching. The expected school week is 32.5 hours (DfE,
# "Length of the school week"); 40 leaves room for long days and boarding schools, and
# anything above it is a fortnight's, a term's or a year's hours typed by mistake.
MAX_TIMETABLE_HOURS = Decimal("40")
# Mentor time for one ECT, in hours a week on average: the recommendation is one; more
# than this is a term's total typed as a weekly figure.
MAX_MENTOR_HOURS = Decimal("10")
HOURS = Decimal("0.01")

# Academic years whose terms may be recorded and reported: back far enough for a
# part-time ECT's whole induction, and the next year for planning.
YEARS_BACK = 3
YEARS_AHEAD = 1


def round_hours(value: Decimal) -> Decimal:
    """Down to 2 decimal places: a maximum is never rounded up."""
    return value.quantize(HOURS, rounding=ROUND_DOWN)


def full_timetable(standard: Decimal, fte: Decimal) -> Decimal:
    return round_hours(standard * fte)


def teaching_ceiling(standard: Decimal, fte: Decimal, year: int) -> Decimal:
    """The most an ECT in induction year ``year`` may teach, in hours a week."""
    return round_hours(standard * fte * TIMETABLE_CEILING[year])


def recommended_mentor_hours(year: int) -> Decimal:
    """Mentor time recommended per ECT, in hours a week on average: an hour per
    coaching cycle (1.00 in year 1, 0.50 in year 2)."""
    return round_hours(MENTOR_HOURS_PER_CYCLE / CYCLE_WEEKS[year])


def ceiling_percent(year: int) -> int:
    return int(TIMETABLE_CEILING[year] * 100)


class Status:
    MISSING = "missing"
    WITHIN = "within"
    SHORTFALL = "shortfall"

    LABELS = {MISSING: "Figures missing", WITHIN: "Within the ceiling", SHORTFALL: "Shortfall"}
    COLOURS = {MISSING: "yellow", WITHIN: "green", SHORTFALL: "red"}


class MentorStatus:
    MISSING = "missing"
    MEETS = "meets"
    BELOW = "below"

    LABELS = {MISSING: "Not recorded", MEETS: "Meets the recommendation", BELOW: "Below the recommendation"}
    COLOURS = {MISSING: "yellow", MEETS: "green", BELOW: "red"}


@dataclass(frozen=True)
class ReleaseTime:
    """One ECT's release time for one term, worked from what was recorded. A figure that
    cannot be worked out for want of an input is None, and ``missing`` names the input."""

    year: int
    standard: Decimal | None
    fte: Decimal | None
    teaching_hours: Decimal | None
    mentor_hours: Decimal | None

    @property
    def missing(self) -> tuple[str, ...]:
        names = []
        if self.standard is None:
            names.append("standard timetable")
        if self.fte is None:
            names.append("FTE")
        if self.teaching_hours is None:
            names.append("teaching hours")
        return tuple(names)

    @property
    def full_timetable(self) -> Decimal | None:
        if self.standard is None or self.fte is None:
            return None
        return full_timetable(self.standard, self.fte)

    @property
    def ceiling(self) -> Decimal | None:
        if self.standard is None or self.fte is None:
            return None
        return teaching_ceiling(self.standard, self.fte, self.year)

    @property
    def entitlement(self) -> Decimal | None:
        """The reduction due, in hours a week."""
        if self.ceiling is None:
            return None
        return self.full_timetable - self.ceiling

    @property
    def provision(self) -> Decimal | None:
        """The reduction given, in hours a week (negative when the ECT teaches more than
        a full timetable for their FTE)."""
        if self.full_timetable is None or self.teaching_hours is None:
            return None
        return self.full_timetable - self.teaching_hours

    @property
    def shortfall(self) -> Decimal | None:
        if self.ceiling is None or self.teaching_hours is None:
            return None
        return max(Decimal("0.00"), self.teaching_hours - self.ceiling)

    @property
    def status(self) -> str:
        if self.missing:
            return Status.MISSING
        return Status.SHORTFALL if self.shortfall > 0 else Status.WITHIN

    @property
    def status_label(self) -> str:
        if self.status == Status.MISSING:
            return f"Missing: {', '.join(self.missing)}"
        return Status.LABELS[self.status]

    @property
    def status_colour(self) -> str:
        return Status.COLOURS[self.status]

    @property
    def ceiling_percent(self) -> int:
        return ceiling_percent(self.year)

    @property
    def cadence(self) -> str:
        return cadence_label(self.year)

    @property
    def mentor_recommended(self) -> Decimal:
        return recommended_mentor_hours(self.year)

    @property
    def mentor_status(self) -> str:
        if self.mentor_hours is None:
            return MentorStatus.MISSING
        return MentorStatus.MEETS if self.mentor_hours >= self.mentor_recommended else MentorStatus.BELOW

    @property
    def mentor_gap(self) -> Decimal | None:
        """Hours a week below the recommendation (0 when it is met)."""
        if self.mentor_hours is None:
            return None
        return max(Decimal("0.00"), self.mentor_recommended - self.mentor_hours)

    @property
    def mentor_status_label(self) -> str:
        return MentorStatus.LABELS[self.mentor_status]

    @property
    def mentor_status_colour(self) -> str:
        return MentorStatus.COLOURS[self.mentor_status]


def release_time(*, year, standard=None, fte=None, teaching_hours=None, mentor_hours=None) -> ReleaseTime:
    """One ECT's release time for a term (see the module docstring for the rules)."""
    if year not in TIMETABLE_CEILING:
        raise ValueError(f"Induction has years 1 and 2, not {year}.")
    return ReleaseTime(year=year, standard=standard, fte=fte, teaching_hours=teaching_hours, mentor_hours=mentor_hours)


def induction_year(*, ect, schedule, first_teaching_day: dt.date) -> int:
    """The induction year (1 or 2) of the term whose first teaching day is given, from
    the ECT's release schedule (see the module docstring)."""
    starts = schedule.year_two_starts_on if schedule is not None else None
    if starts is None:
        return min(max(programme_year(ect.cohort, first_teaching_day), 1), 2)
    return 2 if starts <= first_teaching_day else 1


# --- Terms -------------------------------------------------------------------------------

SEASON_NUMBERS = {season: number for number, season in TERM_SEASONS.items()}
TERM_PATTERN = re.compile(r"^\s*(\d{4})-(autumn|spring|summer)\s*$", re.IGNORECASE)
TERM_EXAMPLE = "2026-autumn, 2026-spring or 2026-summer (the academic year by its first calendar year)"


class TermError(ValueError):
    """A term that is not one of the school's, with a message a person can act on."""


@dataclass(frozen=True, order=True)
class TermRef:
    """A term of a school's calendar: the academic year (by its first calendar year) and
    the term's number (1 autumn, 2 spring, 3 summer). Written ``2026-autumn``."""

    academic_year: int
    number: int

    @classmethod
    def parse(cls, text) -> TermRef:
        match = TERM_PATTERN.match(str(text or ""))
        if not match:
            raise TermError(f"{text!r} is not a term: give it as {TERM_EXAMPLE}.")
        return cls(int(match.group(1)), SEASON_NUMBERS[match.group(2).lower()])

    @property
    def season(self) -> str:
        return TERM_SEASONS[self.number]

    @property
    def slug(self) -> str:
        return f"{self.academic_year}-{self.season}"

    @property
    def label(self) -> str:
        """"Autumn term 2026 to 2027"."""
        return f"{self.season.capitalize()} term {academic_year_label(self.academic_year)}"

    def __str__(self):
        return self.label


@dataclass(frozen=True)
class SchoolTerm:
    """A term of the school's calendar with its dates (``calendar_term``); ``provisional``
    when the dates are the standard pattern, not ones the school or delivery partner set."""

    ref: TermRef
    calendar_term: object  # programme.schedule.CalendarTerm
    provisional: bool
    first_teaching_day: dt.date
    teaching_weeks: int

    @property
    def label(self):
        return self.ref.label

    @property
    def year_label(self):
        return academic_year_label(self.ref.academic_year)

    @property
    def dates(self):
        return f"{long_date(self.calendar_term.starts_on)} to {long_date(self.calendar_term.ends_on)}"


def reportable_years(today=None) -> range:
    """The academic years whose terms can be recorded and reported: from YEARS_BACK
    years ago to YEARS_AHEAD ahead."""
    current = academic_year_of(today or timezone.localdate())
    return range(current - YEARS_BACK, current + YEARS_AHEAD + 1)


def school_terms(*, school, today=None, book=None) -> list[SchoolTerm]:
    """The terms of the school's calendar that can be recorded and reported, oldest
    first (two queries, or none from a ``schools.selectors.CalendarBook`` already read
    for several schools)."""
    from schools.selectors import calendars_for

    years = reportable_years(today)
    if book is not None:  # schools with the same calendars share their terms
        reader = book.reader(school.pk)
        key = ("school-terms", tuple(years))
        if key not in reader.memo:
            reader.memo[key] = _terms_of({year: reader(year) for year in years})
        return reader.memo[key]
    return _terms_of(calendars_for(school=school, years=years))


def _terms_of(calendars):
    terms = []
    for year, calendar in sorted(calendars.items()):
        for term in calendar.terms:
            days = calendar.teaching_days(term)
            terms.append(SchoolTerm(
                ref=TermRef(year, term.number), calendar_term=term, provisional=calendar.provisional,
                first_teaching_day=days[0] if days else term.starts_on,
                teaching_weeks=len(calendar.teaching_weeks(term)),
            ))
    return terms


def find_term(terms: list[SchoolTerm], ref: TermRef | str | None, *, school) -> SchoolTerm:
    """The term ``ref`` among the school's ``terms``, or a TermError saying which terms
    there are."""
    if not isinstance(ref, TermRef):
        ref = TermRef.parse(ref)
    for term in terms:
        if term.ref == ref:
            return term
    raise TermError(
        f"The {ref.label.lower()} is not in {school.name}'s calendar here: choose one of its terms from "
        f"{terms[0].ref.slug} to {terms[-1].ref.slug}."
    )


def current_term(terms: list[SchoolTerm], today=None) -> SchoolTerm:
    """The term holding today, or in a holiday the next term."""
    today = today or timezone.localdate()
    return next((t for t in terms if today <= t.calendar_term.ends_on), terms[-1])


# --- A school's term ---------------------------------------------------------------------


@dataclass
class ECTReleaseTime:
    ect: ECT
    record: object  # reporting.models.ECTTermTimetable, or None
    figures: ReleaseTime

    @property
    def fte_recorded(self) -> bool:
        """Whether the FTE is the term's own (else the ECT's working pattern stands in)."""
        return self.record is not None


@dataclass
class Summary:
    ects: int
    within: int
    shortfall: int
    missing: int
    mentor_meets: int
    mentor_below: int
    mentor_missing: int

    @property
    def line(self) -> str:
        """The one summary line of the page and the PDF."""
        if not self.ects:
            return "No ECTs at the school in this term."
        ects = f"{self.ects} ECT{'s' if self.ects != 1 else ''}"
        return (
            f"{ects}: {self.within} within the ceiling, {self.shortfall} with a shortfall, "
            f"{self.missing} with figures missing. Mentor time: {self.mentor_meets} meeting the recommendation, "
            f"{self.mentor_below} below it, {self.mentor_missing} not recorded."
        )

    @property
    def compliant(self) -> bool:
        """Every ECT's figures recorded and within the ceiling."""
        return self.ects > 0 and self.within == self.ects


@dataclass
class SchoolReleaseTime:
    school: object
    term: SchoolTerm
    standard: object  # reporting.models.StandardTimetable, or None
    rows: list[ECTReleaseTime] = field(default_factory=list)
    generated_at: dt.datetime | None = None

    @property
    def summary(self) -> Summary:
        figures = [r.figures for r in self.rows]
        return Summary(
            ects=len(figures),
            within=sum(1 for f in figures if f.status == Status.WITHIN),
            shortfall=sum(1 for f in figures if f.status == Status.SHORTFALL),
            missing=sum(1 for f in figures if f.status == Status.MISSING),
            mentor_meets=sum(1 for f in figures if f.mentor_status == MentorStatus.MEETS),
            mentor_below=sum(1 for f in figures if f.mentor_status == MentorStatus.BELOW),
            mentor_missing=sum(1 for f in figures if f.mentor_status == MentorStatus.MISSING),
        )

    @property
    def row_by_ect(self):
        return {row.ect.pk: row for row in self.rows}


def ects_in_term(*, school, term: SchoolTerm):
    """The ECTs at the school on any day of the term (started induction by its end), and
    any with figures recorded for it, with what the release schedule reads."""
    from reporting.models import ECTTermTimetable

    calendar_term = term.calendar_term
    here = ECTAtSchool.objects.filter(
        tenant_id=school.tenant_id, ect=OuterRef("pk"), school=school, started_on__lte=calendar_term.ends_on,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=calendar_term.starts_on))
    recorded = ECTTermTimetable.objects.filter(
        tenant_id=school.tenant_id, ect=OuterRef("pk"), school=school,
        academic_year=term.ref.academic_year, term=term.ref.number,
    )
    return (
        ECT.objects.filter(tenant_id=school.tenant_id)
        .filter((Exists(here) & Q(induction_start__lte=calendar_term.ends_on)) | Exists(recorded))
        .select_related("user", "cohort__programme")
        .prefetch_related("school_periods__school", "pauses")
        .order_by("user__full_name", "user__email", "pk")
    )


def school_release_time(*, school, term: SchoolTerm, on=None) -> SchoolReleaseTime:
    """Each ECT's release time at the school for the term, in a fixed number of queries."""
    from programme.progress import release_schedules
    from reporting.models import ECTTermTimetable, StandardTimetable

    on = on or timezone.localdate()
    standard = StandardTimetable.objects.filter(
        tenant_id=school.tenant_id, school=school, academic_year=term.ref.academic_year
    ).first()
    ects = list(ects_in_term(school=school, term=term))
    records = {
        r.ect_id: r
        for r in ECTTermTimetable.objects.filter(
            tenant_id=school.tenant_id, school=school, academic_year=term.ref.academic_year, term=term.ref.number,
        )
    }
    schedules, _ = release_schedules(ects, today=on)
    rows = []
    for ect in ects:
        record = records.get(ect.pk)
        _, schedule = schedules[ect.pk]
        year = induction_year(ect=ect, schedule=schedule, first_teaching_day=term.first_teaching_day)
        figures = release_time(
            year=year,
            standard=standard.hours if standard else None,
            fte=record.fte if record else ect.fte,
            teaching_hours=record.teaching_hours if record else None,
            mentor_hours=record.mentor_hours if record else None,
        )
        rows.append(ECTReleaseTime(ect=ect, record=record, figures=figures))
    return SchoolReleaseTime(school=school, term=term, standard=standard, rows=rows, generated_at=timezone.now())
