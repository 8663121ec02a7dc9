"""The coaching summary of one ECT for a period, and its PDF (WeasyPrint).

Coaching is developmental training (DESIGN.md section 3): the summary says, at the top
and in the footer of every page, that it is not an assessment and must not be used for
statutory induction assessment. The record page's cycle overview and the PDF count
cycles with the same function, so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.text import slugify

from coaching.models import ActionStep, Meeting, Observation, Progress
from coaching.selectors import MEETING_MINUTES_EXPECTED, CycleStatus

NOT_AN_ASSESSMENT = (
    "Developmental record of instructional coaching. "
    "Not an assessment: it must not be used for statutory induction assessment."
)


@dataclass(frozen=True)
class CycleCounts:
    expected: int  # cycles over in the period in which a meeting was expected
    logged: int  # of those, cycles with a coaching meeting
    missed: int


def cycles_in(state, start: dt.date, end: dt.date):
    """The ECT's cycles (started by the state's day) that overlap the period, oldest first."""
    return [s for s in state.states if s.cycle.starts_on <= end and s.cycle.ends_on >= start]


def cycle_counts(state, cycle_states) -> CycleCounts:
    """Counted as ``CoachingState.expected`` and ``logged`` count: the current cycle is
    not over, so it is neither expected nor counted yet."""
    over = [s for s in cycle_states if s is not state.current]
    return CycleCounts(
        expected=sum(1 for s in over if s.status in (CycleStatus.DONE, CycleStatus.MISSED)),
        logged=sum(1 for s in over if s.met),
        missed=sum(1 for s in over if s.status == CycleStatus.MISSED),
    )


def default_period(ect, on: dt.date):
    """The whole induction so far."""
    return ect.induction_start, on


def coaching_summary(*, ect, state, school, start: dt.date, end: dt.date):
    """What the summary PDF shows for the period."""
    where = {"tenant_id": ect.tenant_id, "ect": ect}
    observations = list(
        Observation.objects.filter(**where, observed_on__range=(start, end))
        .select_related("step", "mentor__user")
        .order_by("observed_on", "pk")
    )
    meetings = list(
        Meeting.objects.filter(**where, met_on__range=(start, end))
        .select_related("step", "mentor__user")
        .order_by("met_on", "pk")
    )
    steps = list(
        ActionStep.objects.filter(**where, set_on__range=(start, end))
        .select_related("module", "strand")
        .order_by("set_on", "pk")
    )
    cycle_states = cycles_in(state, start, end)
    progress = Counter(o.progress for o in observations if o.progress)
    mentors = [
        m.mentor for m in ect.mentorships.all() if m.started_on <= end and (m.ended_on is None or m.ended_on >= start)
    ]
    minutes = [m.minutes for m in meetings]
    return {
        "ect": ect,
        "school": school,
        "mentors": mentors,  # everyone who mentored the ECT during the period
        "start": start,
        "end": end,
        "state": state,
        "cycles": cycle_states,
        "counts": cycle_counts(state, cycle_states),
        "steps": steps,
        "observations": observations,
        "progress": [(label, progress[value]) for value, label in Progress.choices],
        "meetings": meetings,
        "meeting_minutes": round(sum(minutes) / len(minutes)) if minutes else None,
        "short_meetings": sum(1 for m in minutes if m < MEETING_MINUTES_EXPECTED),
        "pastoral_meetings": sum(1 for m in meetings if m.kind == Meeting.Kind.PASTORAL),
        "expected_minutes": MEETING_MINUTES_EXPECTED,
        "not_an_assessment": NOT_AN_ASSESSMENT,
    }


def summary_pdf(summary) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string("coaching/pdf/summary.html", summary)).write_pdf()


def summary_filename(ect, start: dt.date, end: dt.date) -> str:
    name = slugify(ect.user.full_name) or f"ect-{ect.pk}"
    return f"coaching-summary-{name}-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.pdf"
