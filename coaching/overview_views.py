"""Coaching pages for the induction tutor, the headteacher and the delivery partner's
staff: the school's coaching overview with its quality flags, one ECT's coaching record
(also open to their mentor) and its PDF summary for a period.

Everything here is developmental training, read from ``coaching.selectors`` (the one
place that decides cycles, steps and flags); nothing is a statutory assessment.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from coaching import pdf
from coaching.filters import FLAG_KINDS, CoachingOverviewFilter, record_filters
from coaching.models import Meeting
from coaching.selectors import (
    MEETING_MINUTES_EXPECTED,
    CycleStatus,
    can_change,
    coaching_states,
    get_visible_ect,
    today,
    with_coaching_facts,
)
from ectalign.access import role_required
from participants.models import ECT
from participants.selectors import ects_at_school
from programme.progress import current_school
from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role
from schools.selectors import get_school_for_user

OVERVIEW_ROLES = SCHOOL_LEADER_ROLES | DELIVERY_PARTNER_ROLES
# The ECT reads their own coaching in "My steps"; their mentor now reads the record too.
RECORD_ROLES = OVERVIEW_ROLES | {Role.MENTOR}

CYCLE_TAG_COLOURS = {
    CycleStatus.DONE: "green",
    CycleStatus.CURRENT: "blue",
    CycleStatus.MISSED: "red",
    CycleStatus.MENTOR_AWAY: "grey",
    CycleStatus.NO_MENTOR: "grey",
    CycleStatus.UPCOMING: "grey",
}
LEVEL_TAG_COLOURS = {"red": "red", "amber": "orange", "green": "green"}


# --- The school's coaching overview ---------------------------------------------------------


@dataclass
class MentorSummary:
    mentor: object  # Mentor, or None for ECTs without a mentor now
    states: list = field(default_factory=list)

    @property
    def missed(self):
        return sum(s.missed for s in self.states)


def _mentor_summaries(states):
    by_mentor = {}
    for state in states:
        mentorship = state.mentorship
        key = mentorship.mentor_id if mentorship else None
        if key not in by_mentor:
            by_mentor[key] = MentorSummary(mentor=mentorship.mentor if mentorship else None)
        by_mentor[key].states.append(state)
    named = sorted((s for k, s in by_mentor.items() if k), key=lambda s: str(s.mentor.user))
    return named + ([by_mentor[None]] if None in by_mentor else [])


@role_required(*OVERVIEW_ROLES)
def school_overview(request, pk):
    """Per mentor and ECT: is the weekly or fortnightly cycle happening, and the flags."""
    school = get_school_for_user(request, pk)
    on = today()
    ects = list(with_coaching_facts(ects_at_school(school=school, on=on)))
    states = coaching_states(ects, on=on)
    every = [states[e.pk] for e in ects]
    overview_filter = CoachingOverviewFilter(
        request.GET or None, ECT.objects.filter(tenant_id=school.tenant_id, pk__in=list(states)),
        school=school, states=states,
    )
    if overview_filter.is_bound:
        shown = set(overview_filter.qs.values_list("pk", flat=True))
        rows = [s for s in every if s.ect.pk in shown]
    else:
        rows = every
    flag_counts = Counter(code for s in every for code in {f.code for f in s.flags})
    return render(request, "coaching/overview/school_overview.html", {
        "school": school,
        "on": on,
        "filter": overview_filter,
        "filtered": overview_filter.is_bound and any(request.GET.get(name) for name in overview_filter.filters),
        "rows": rows,
        "total": len(every),
        "on_track": sum(1 for s in every if s.level == "green"),
        "flag_counts": [(code, label, flag_counts[code]) for code, label in FLAG_KINDS],
        "mentors": _mentor_summaries(every),
        "level_colours": LEVEL_TAG_COLOURS,
        "expected_minutes": MEETING_MINUTES_EXPECTED,
    })


# --- One ECT's coaching record ---------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "observation", "meeting" or "step" (a step not set in a meeting)
    on: dt.date
    record: object
    editable: bool = False


def _editable(record, request, now):
    return can_change(created_by_id=record.created_by_id, created_at=record.created_at, user=request.user, now=now)


def _timeline(request, observations, meetings, steps):
    now = timezone.now()
    entries = [TimelineEntry("observation", o.observed_on, o, _editable(o, request, now)) for o in observations]
    entries += [TimelineEntry("meeting", m.met_on, m, _editable(m, request, now)) for m in meetings]
    entries += [TimelineEntry("step", s.set_on, s) for s in steps]
    # Newest first; on one day the meeting (which sets a step) comes before the observation.
    order = {"meeting": 0, "step": 1, "observation": 2}
    entries.sort(key=lambda e: (-e.on.toordinal(), order[e.kind], -e.record.pk))
    return entries


def _period(filterset, ect, on):
    """The period the filters ask for (the whole induction so far when they do not say),
    and whether they were valid."""
    start, end = pdf.default_period(ect, on)
    if not filterset.is_bound:
        return start, end, True
    valid = filterset.is_valid()
    data = filterset.form.cleaned_data if valid else {}
    return data.get("from") or start, data.get("to") or end, valid


@role_required(*RECORD_ROLES)
def ect_record(request, pk):
    """Observations, meetings and steps, newest first, by strand and period."""
    ect = get_visible_ect(request, pk)
    on = today()
    state = coaching_states([ect], on=on)[ect.pk]
    observation_filter, meeting_filter, step_filter = record_filters(request.GET or None, ect=ect)
    start, end, valid = _period(observation_filter, ect, on)
    observations = observation_filter.qs.select_related("step__strand", "mentor__user")
    meetings = meeting_filter.qs.select_related("step__strand", "step__module", "previous_step", "mentor__user")
    # Steps are shown inside the meeting that set them; these are any set otherwise.
    steps = step_filter.qs.filter(set_in__isnull=True).select_related("module", "strand")
    cycle_states = pdf.cycles_in(state, start, end)
    period_query = {}
    if valid and request.GET.get("from"):
        period_query["from"] = start.isoformat()
    if valid and request.GET.get("to"):
        period_query["to"] = end.isoformat()
    return render(request, "coaching/overview/ect_record.html", {
        "ect": ect,
        "school": current_school(ect, on),
        "state": state,
        "on": on,
        "filter": observation_filter,
        "filtered": observation_filter.is_bound and any(request.GET.get(n) for n in ("strand", "from", "to")),
        "valid": valid,
        "start": start,
        "end": end,
        "timeline": _timeline(request, observations, meetings, steps),
        "cycles": list(reversed(cycle_states)),
        "counts": pdf.cycle_counts(state, cycle_states),
        "cycle_colours": CYCLE_TAG_COLOURS,
        "level_colours": LEVEL_TAG_COLOURS,
        "expected_minutes": MEETING_MINUTES_EXPECTED,
        "pastoral": Meeting.Kind.PASTORAL,
        "pdf_query": urlencode(period_query),
        "can_edit": request.membership.role == Role.MENTOR,
    })


@never_cache
@require_safe
@role_required(*RECORD_ROLES)
def summary_pdf(request, pk):
    """The coaching summary for a period as a PDF; a period that makes no sense sends the
    person back to the record, which explains what to change."""
    ect = get_visible_ect(request, pk)
    on = today()
    period_filter = record_filters(request.GET or None, ect=ect)[0]
    start, end, valid = _period(period_filter, ect, on)
    if not valid:
        return redirect(f"{reverse('coaching:ect_record', args=[ect.pk])}?{request.GET.urlencode()}")
    state = coaching_states([ect], on=on)[ect.pk]
    summary = pdf.coaching_summary(ect=ect, state=state, school=current_school(ect, on), start=start, end=end)
    response = HttpResponse(pdf.summary_pdf(summary), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.summary_filename(ect, start, end)}"'
    return response
