"""The delivery partner's reports: its schools and cohorts compared on engagement,
coaching regularity, attendance, release-time compliance and onboarding.

Nothing is judged here: every figure is a sum over the engagement snapshots of the
latest finished run (``reporting.snapshots``), which the one engagement selector made.
Each table is one SQL query (``GROUP BY`` school or cohort) whatever the number of
schools, people or days kept.

A mentor serving several schools counts at each school (each school's report shows
them); the cohort table and the totals count each person once (``is_main_school``).
Coaching cycles and self-study are counted on ECTs' rows: a mentor's cycles are those of
their ECTs, already counted there. Events and catch-up count everyone's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, F, FloatField, Min, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce

from reporting.models import EngagementSnapshot
from reporting.release_time import MentorStatus, Status
from reporting.snapshots import latest_finished

TERM, TOTAL = "term", "total"
PERIODS = {TERM: "This term", TOTAL: "Since the start"}

ECT_ROWS = Q(kind=EngagementSnapshot.Kind.ECT)
MENTOR_ROWS = Q(kind=EngagementSnapshot.Kind.MENTOR)


def report_run(*, tenant_id):
    """The finished run whose day the reports show (None before the first)."""
    return latest_finished(tenant_id=tenant_id)


def snapshots(*, tenant_id, on):
    """The snapshots of a day: the rows every table groups."""
    return EngagementSnapshot.objects.filter(tenant_id=tenant_id, on=on)


def _sum(field, condition=None):
    return Coalesce(Sum(field, filter=condition), 0)


def _count(condition=None):
    return Count("pk", filter=condition)


def metrics(period=TERM):
    """The aggregates of a group of snapshots, for the period (``term`` or ``total``)."""
    prefix = f"{period if period in PERIODS else TERM}_"
    return {
        "people": _count(),
        "ects": _count(ECT_ROWS),
        "mentors": _count(MENTOR_ROWS),
        "red": _count(Q(level=EngagementSnapshot.Level.RED)),
        "amber": _count(Q(level=EngagementSnapshot.Level.AMBER)),
        "green": _count(Q(level=EngagementSnapshot.Level.GREEN)),
        "paused": _count(Q(level=EngagementSnapshot.Level.PAUSED)),
        "self_study_expected": _sum(f"{prefix}self_study_expected", ECT_ROWS),
        "self_study_done": _sum(f"{prefix}self_study_done", ECT_ROWS),
        "cycles_expected": _sum(f"{prefix}cycles_expected", ECT_ROWS),
        "cycles_logged": _sum(f"{prefix}cycles_logged", ECT_ROWS),
        "observations": _sum(f"{prefix}observations", ECT_ROWS),
        "steps_recorded": _sum(f"{prefix}steps_recorded", ECT_ROWS),
        "events_expected": _sum(f"{prefix}events_expected"),
        "events_attended": _sum(f"{prefix}events_attended"),
        "catch_up": _sum("catch_up_outstanding"),
        "release_within": _count(ECT_ROWS & Q(release_time_status=Status.WITHIN)),
        "release_shortfall": _count(ECT_ROWS & Q(release_time_status=Status.SHORTFALL)),
        "release_missing": _count(ECT_ROWS & Q(release_time_status=Status.MISSING)),
        "mentor_time_below": _count(ECT_ROWS & Q(mentor_time_status=MentorStatus.BELOW)),
        "onboarded": _count(Q(onboarded=True)),
    }


def _percent(part, whole):
    """``part`` as a percentage of ``whole`` (aggregates), None when ``whole`` is 0."""
    return Case(
        When(**{f"{whole}__gt": 0}, then=Cast(F(part), FloatField()) * Value(100.0) / Cast(F(whole), FloatField())),
        default=Value(None), output_field=FloatField(),
    )


# The percentages a table can be sorted by: (part, whole) of the aggregates above.
PERCENTS = {
    "on_track_percent": ("green", "judged"),
    "self_study_percent": ("self_study_done", "self_study_expected"),
    "coaching_percent": ("cycles_logged", "cycles_expected"),
    "attendance_percent": ("events_attended", "events_expected"),
    "release_percent": ("release_within", "release_ects"),
    "onboarding_percent": ("onboarded", "people"),
}
WHOLES = {
    "judged": F("people") - F("paused"),
    "release_ects": F("release_within") + F("release_shortfall") + F("release_missing"),
}


def with_percent(groups, name):
    """Grouped rows annotated with one percentage, to sort by it in SQL. Only the one
    sorted by: each repeats its aggregates in SQL, and all six would double the query's
    time (the page shows them from ``Figures``)."""
    part, whole = PERCENTS[name]
    if whole in WHOLES:
        groups = groups.annotate(**{whole: WHOLES[whole]})
    return groups.annotate(**{name: _percent(part, whole)})


def by_school(rows, *, period=TERM):
    """One row (a dict) per school with people in ``rows``. Grouped by the school's id
    alone, its name and details read with ``Min`` (one value per school): grouping by
    the text columns too takes SQLite half as long again."""
    return rows.order_by().values("school_id").annotate(
        school_name=Min("school__name"), school_urn=Min("school__urn"), school_phase=Min("school__phase"),
        school_type=Min("school__type"), **metrics(period),
    )


def by_cohort(rows, *, period=TERM):
    """One row per cohort (mentors without a cohort together), each person once."""
    return rows.filter(is_main_school=True).order_by().values("cohort_id").annotate(
        cohort_name=Min("cohort__name"), cohort_start_year=Min("cohort__start_year"),
        schools=Count("school_id", distinct=True), **metrics(period),
    )


def _share(part, whole):
    """A whole percentage, halves rounded up (1 of 8 is 13%), None when there is no whole."""
    return (200 * part + whole) // (2 * whole) if whole else None


@dataclass(frozen=True)
class Figures:
    """A row of a table: a school's, a cohort's or everyone's figures."""

    people: int = 0
    ects: int = 0
    mentors: int = 0
    red: int = 0
    amber: int = 0
    green: int = 0
    paused: int = 0
    self_study_expected: int = 0
    self_study_done: int = 0
    cycles_expected: int = 0
    cycles_logged: int = 0
    observations: int = 0
    steps_recorded: int = 0
    events_expected: int = 0
    events_attended: int = 0
    catch_up: int = 0
    release_within: int = 0
    release_shortfall: int = 0
    release_missing: int = 0
    mentor_time_below: int = 0
    onboarded: int = 0
    # What the row is about.
    key: object = None  # the school's or cohort's id
    name: str = ""
    urn: str = ""
    phase: str = ""
    type: str = ""
    schools: int = 0

    FIELDS = (
        "people", "ects", "mentors", "red", "amber", "green", "paused", "self_study_expected", "self_study_done",
        "cycles_expected", "cycles_logged", "observations", "steps_recorded", "events_expected", "events_attended",
        "catch_up", "release_within", "release_shortfall", "release_missing", "mentor_time_below", "onboarded",
    )

    @classmethod
    def from_row(cls, row, **about):
        return cls(**{name: row.get(name) or 0 for name in cls.FIELDS}, **about)

    @property
    def judged(self):
        return self.people - self.paused

    @property
    def on_track_percent(self):
        return _share(self.green, self.judged)

    @property
    def self_study_percent(self):
        return _share(self.self_study_done, self.self_study_expected)

    @property
    def coaching_percent(self):
        return _share(self.cycles_logged, self.cycles_expected)

    @property
    def attendance_percent(self):
        return _share(self.events_attended, self.events_expected)

    @property
    def release_ects(self):
        return self.release_within + self.release_shortfall + self.release_missing

    @property
    def release_percent(self):
        return _share(self.release_within, self.release_ects)

    @property
    def onboarding_percent(self):
        return _share(self.onboarded, self.people)


def school_figures(row):
    return Figures.from_row(
        row, key=row["school_id"], name=row["school_name"], urn=row["school_urn"],
        phase=row["school_phase"], type=row["school_type"],
    )


def cohort_figures(row):
    return Figures.from_row(
        row, key=row["cohort_id"], name=row["cohort_name"] or "No cohort", schools=row["schools"],
    )
