"""Reads of coaching: each ECT's cycles and what was logged in them, the current step,
the step library a mentor may choose from, and the quality flags the induction tutor
sees. One place for these rules; pages, and later reminders and reports, read them.

``coaching_states(ects)`` works in a fixed number of queries whatever the number of
ECTs (the benchmark checks it), as ``programme.progress.ect_paths`` does.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from coaching.cycles import Cycle, cadence_label, coaching_cycles
from coaching.models import ActionStep, LocalStep, Meeting, Observation, StepProposal
from ectalign import caching
from participants.models import ECT, MentorAbsence, Mentorship
from participants.selectors import visible_ects
from programme.models import STEP_MODULE_KINDS, LibraryStep
from programme.progress import current_school, ect_pauses, programme_modules, release_schedules
from programme.schedule import long_date
from schools.models import Role

# A step set in this many meetings in a row is a quality flag for the induction tutor
# (DESIGN.md section 5: "three or more repeats in a row").
REPEAT_FLAG_AT = 3
# The lengths the programme expects (the three-strand handbook): a 15-minute drop-in and a
# meeting of at least 45 minutes. Shorter meetings are allowed and flagged.
OBSERVATION_MINUTES = 15
MEETING_MINUTES_EXPECTED = 45
# Observations and meetings can be corrected by their author for this long after they
# are logged; after that they are kept as they are (with their history).
EDIT_WINDOW = dt.timedelta(days=7)


def edit_window_closed(created_at, *, now=None):
    """Whether a log made at ``created_at`` is past its edit window."""
    return (now or timezone.now()) - created_at > EDIT_WINDOW


def can_change(*, created_by_id, created_at, user, now=None):
    """The one rule for correcting an observation or meeting: its author, within the window."""
    return created_by_id == user.pk and not edit_window_closed(created_at, now=now)


def today():
    return timezone.localdate()


# --- Cycles ------------------------------------------------------------------------------


def _year_weeks(modules):
    weeks = {}
    for m in modules:
        if m.term_id:
            weeks.setdefault(m.term.year.number, m.term.year.weeks)
    return weeks


def ect_cycles(ects, *, on=None):
    """{ect.pk: (Cycle, ...)} for ECTs with ``cohort__programme``, ``school_periods__school``
    and ``pauses`` prefetched. ECTs with the same facts share one computation, kept in
    the shared cache until a calendar, programme or the facts change; on a miss, the
    schools' calendars are read once for the batch and schools with the same calendars
    share the computation too."""
    from schools.selectors import CalendarBook

    on = on or today()
    ects = list(ects)
    if not ects:
        return {}
    tenant_id = ects[0].tenant_id
    calendars = caching.calendar_generation(tenant_id)
    schools = {ect.pk: current_school(ect, on) for ect in ects}
    book = CalendarBook(tenant_id=tenant_id, school_ids={s.pk for s in schools.values() if s})
    found, result, weeks_of = {}, {}, {}
    for ect in ects:
        programme = ect.cohort.programme
        if programme.pk not in weeks_of:
            weeks_of[programme.pk] = _year_weeks(programme_modules(programme))
        weeks = weeks_of[programme.pk]
        school = schools[ect.pk]
        pauses = ect_pauses(ect)
        open_pause = any(p.ends_on is None for p in pauses)
        shared = (
            "coaching-cycles", programme.pk, caching.programme_generation(programme.pk), calendars,
            ect.induction_start, ect.fte, tuple(pauses), on if open_pause else None,
        )
        facts = (*shared, school.pk if school else None)
        if facts not in found:

            def compute(school=school, ect=ect, pauses=pauses, weeks=weeks, shared=shared):
                if not weeks.get(1):
                    return ()
                reader = book.reader(school.pk if school else None)
                if shared not in reader.memo:
                    reader.memo[shared] = coaching_cycles(
                        weeks_in_year1=weeks[1], weeks_in_year2=weeks.get(2), start_date=ect.induction_start,
                        calendar_for_year=reader, fte=ect.fte, pauses=pauses, open_pauses_end_on=on,
                    )
                return reader.memo[shared]

            found[facts] = caching.cached_schedule(facts, compute)
        result[ect.pk] = found[facts]
    return result


def with_coaching_facts(ects):
    """The ECT queryset with what ``coaching_states`` reads, prefetched."""
    return ects.select_related("user", "cohort__programme").prefetch_related(
        "school_periods__school", "pauses",
        Prefetch("mentorships", queryset=Mentorship.objects.select_related("mentor__user").order_by("started_on")),
    )


# --- States ------------------------------------------------------------------------------


class CycleStatus:
    DONE = "done"  # a coaching meeting was logged
    CURRENT = "current"  # holds today, nothing or only an observation logged yet
    MISSED = "missed"  # over, with no meeting, while a mentor was there to coach
    MENTOR_AWAY = "mentor_away"  # the mentor was away on every teaching day
    NO_MENTOR = "no_mentor"  # no mentor was assigned
    UPCOMING = "upcoming"

    LABELS = {
        DONE: "Done",
        CURRENT: "This cycle",
        MISSED: "Missed",
        MENTOR_AWAY: "Mentor away",
        NO_MENTOR: "No mentor",
        UPCOMING: "Not started",
    }


@dataclass
class CycleState:
    cycle: Cycle
    status: str
    mentorship: Mentorship | None = None
    observation: dict | None = None  # id, observed_on, minutes, progress, created_by_id, created_at
    meeting: dict | None = None  # id, met_on, minutes, kind, created_by_id, created_at

    @property
    def label(self):
        return CycleStatus.LABELS[self.status]

    @property
    def observed(self):
        return self.observation is not None

    @property
    def met(self):
        return self.meeting is not None


@dataclass(frozen=True)
class Flag:
    level: str  # "red" or "amber"
    code: str  # "repeat", "unreached", "missed", "short_meeting"
    text: str


@dataclass
class CoachingState:
    """An ECT's coaching on a day: the cycles so far, the current one, the current step,
    and the flags an induction tutor should see."""

    ect: ECT
    on: dt.date
    cycles: tuple = ()
    states: list = field(default_factory=list)  # every cycle started by ``on``, oldest first
    current: CycleState | None = None
    step: ActionStep | None = None
    open_proposal: StepProposal | None = None
    flags: list = field(default_factory=list)
    last_meeting: dict | None = None
    short_meetings: int = 0

    @property
    def year(self):
        if self.current:
            return self.current.cycle.year
        return self.states[-1].cycle.year if self.states else 1

    @property
    def cadence(self):
        return cadence_label(self.year)

    @cached_property
    def mentorship(self):
        """The open mentorship on the day."""
        for m in reversed(self.ect.mentorships.all()):
            if m.covers(self.on):
                return m
        return None

    @property
    def expected(self):
        """Cycles over by now in which a meeting was expected."""
        return sum(1 for s in self.states if s.status in (CycleStatus.DONE, CycleStatus.MISSED) and s is not self.current)

    @property
    def logged(self):
        return sum(1 for s in self.states if s.met and s is not self.current)

    @property
    def missed(self):
        return sum(1 for s in self.states if s.status == CycleStatus.MISSED)

    @property
    def missed_in_a_row(self):
        count = 0
        for state in reversed(self.states):
            if state is self.current and state.met:
                break  # a meeting this cycle ends the run of missed cycles
            if state is self.current or state.status in (CycleStatus.MENTOR_AWAY, CycleStatus.NO_MENTOR):
                continue
            if state.status != CycleStatus.MISSED:
                break
            count += 1
        return count

    @property
    def step_days(self):
        return (self.on - self.step.set_on).days if self.step else None

    @property
    def level(self):
        levels = {f.level for f in self.flags}
        return "red" if "red" in levels else "amber" if levels else "green"


def _mentorship_for(mentorships, cycle):
    """The mentorship covering most of the cycle: the latest one started by its last day."""
    found = None
    for m in mentorships:
        if m.started_on <= cycle.ends_on and (m.ended_on is None or m.ended_on >= cycle.starts_on):
            found = m
    return found


def _away_all_cycle(absences, cycle):
    return any(
        a.started_on <= cycle.first_day and (a.ended_on is None or a.ended_on >= cycle.last_day) for a in absences
    )


def coaching_states(ects, *, on=None, with_steps=True):
    """{ect.pk: CoachingState} for ECTs read through ``with_coaching_facts``."""
    on = on or today()
    ects = list(ects)
    if not ects:
        return {}
    tenant_id = ects[0].tenant_id
    ids = [e.pk for e in ects]
    cycles = ect_cycles(ects, on=on)
    mentor_ids = {m.mentor_id for e in ects for m in e.mentorships.all()}
    absences = defaultdict(list)
    for absence in MentorAbsence.objects.filter(tenant_id=tenant_id, mentor_id__in=mentor_ids):
        absences[absence.mentor_id].append(absence)
    observations = defaultdict(dict)
    for row in Observation.objects.filter(tenant_id=tenant_id, ect_id__in=ids).values(
        "id", "ect_id", "observed_on", "minutes", "progress", "created_by_id", "created_at"
    ).order_by("observed_on"):
        observations[row["ect_id"]][row["observed_on"]] = row
    meetings = defaultdict(dict)
    for row in Meeting.objects.filter(tenant_id=tenant_id, ect_id__in=ids).values(
        "id", "ect_id", "met_on", "minutes", "kind", "created_by_id", "created_at"
    ).order_by("met_on"):
        meetings[row["ect_id"]][row["met_on"]] = row

    states = {}
    for ect in ects:
        state = CoachingState(ect=ect, on=on, cycles=cycles.get(ect.pk, ()))
        mentorships = list(ect.mentorships.all())
        by_cycle_obs = _by_cycle(state.cycles, observations[ect.pk])
        by_cycle_meet = _by_cycle(state.cycles, meetings[ect.pk])
        for cycle in state.cycles:
            if cycle.starts_on > on:
                break
            mentorship = _mentorship_for(mentorships, cycle)
            item = CycleState(
                cycle=cycle, status=CycleStatus.DONE, mentorship=mentorship,
                observation=by_cycle_obs.get(cycle.starts_on), meeting=by_cycle_meet.get(cycle.starts_on),
            )
            if item.met:
                item.status = CycleStatus.DONE
            elif cycle.holds(on):
                item.status = CycleStatus.CURRENT
            elif mentorship is None:
                item.status = CycleStatus.NO_MENTOR
            elif _away_all_cycle(absences[mentorship.mentor_id], cycle):
                item.status = CycleStatus.MENTOR_AWAY
            else:
                item.status = CycleStatus.MISSED
            if cycle.holds(on):
                state.current = item
            state.states.append(item)
        held = list(meetings[ect.pk].values())
        state.last_meeting = held[-1] if held else None
        state.short_meetings = sum(1 for m in held if m["minutes"] < MEETING_MINUTES_EXPECTED)
        states[ect.pk] = state

    if with_steps:
        _attach_steps(states, ects, tenant_id, on)
    for state in states.values():
        state.flags = _flags(state)
    return states


def _by_cycle(cycles, rows_by_day):
    """{cycle.starts_on: row} for rows keyed by their date (the latest row of a cycle wins)."""
    starts = [c.starts_on for c in cycles]
    found = {}
    for day, row in rows_by_day.items():
        index = bisect.bisect_right(starts, day) - 1
        if index >= 0 and cycles[index].holds(day):
            found[cycles[index].starts_on] = row
    return found


def _attach_steps(states, ects, tenant_id, on):
    latest = ActionStep.objects.filter(ect_id=OuterRef("pk"), set_on__lte=on).order_by("-set_on", "-pk").values("pk")[:1]
    step_ids = [
        pk for pk in ECT.objects.filter(pk__in=[e.pk for e in ects]).annotate(step_id=Subquery(latest))
        .values_list("step_id", flat=True) if pk
    ]
    for step in ActionStep.objects.filter(tenant_id=tenant_id, pk__in=step_ids).select_related("module", "strand"):
        states[step.ect_id].step = step
    for proposal in StepProposal.objects.filter(tenant_id=tenant_id, ect_id__in=list(states), state=StepProposal.State.OPEN):
        states[proposal.ect_id].open_proposal = proposal
    with_steps = [e for e in ects if states[e.pk].step is not None]
    schedules, _ = release_schedules(with_steps, today=on)
    for ect in with_steps:
        step = states[ect.pk].step
        scheduled = schedules[ect.pk][0].get(step.module_id)
        if scheduled and scheduled.release_date > step.set_on:
            step.unreached_when_set = scheduled.release_date


def _flags(state):
    flags = []
    step = state.step
    if step and step.run >= REPEAT_FLAG_AT:
        flags.append(Flag("amber", "repeat", f"Step set {step.run} times in a row: “{step.title}”"))
    if step and getattr(step, "unreached_when_set", None):
        flags.append(Flag(
            "red", "unreached",
            f"Step from {step.module.code} {step.module.title}, which the ECT does not reach in self-study until "
            f"{long_date(step.unreached_when_set)}",
        ))
    missed = state.missed_in_a_row
    if missed >= 2:
        flags.append(Flag("red", "missed", f"No coaching meeting logged for {missed} cycles in a row"))
    elif missed == 1:
        last = next(s for s in reversed(state.states) if s.status == CycleStatus.MISSED)
        flags.append(Flag(
            "amber", "missed", f"No coaching meeting logged for the cycle starting {long_date(last.cycle.starts_on)}"
        ))
    last = state.last_meeting
    if last and last["minutes"] < MEETING_MINUTES_EXPECTED:
        flags.append(Flag(
            "amber", "short_meeting",
            f"Last coaching meeting lasted {last['minutes']} minutes ({MEETING_MINUTES_EXPECTED} expected)",
        ))
    return flags


# --- Who may see or log what ---------------------------------------------------------------


def get_coached_ect(request, pk, *, on=None):
    """An ECT the signed-in mentor mentors now, or 404 (for another mentor's ECT, an ECT
    of another school or tenant, and for every other role)."""
    membership = request.membership
    if membership is None or membership.role != Role.MENTOR:
        raise Http404
    try:
        return with_coaching_facts(visible_ects(request, on=on)).get(pk=pk)
    except ECT.DoesNotExist:
        raise Http404 from None


def get_visible_ect(request, pk):
    """An ECT whose coaching record the active membership may read (their mentor now,
    their school's leaders, delivery partner staff; the ECT their own), or 404."""
    try:
        return with_coaching_facts(visible_ects(request)).get(pk=pk)
    except ECT.DoesNotExist:
        raise Http404 from None


def current_mentor_of(ect, on):
    for m in ect.mentorships.all():
        if m.covers(on):
            return m
    return None


# --- The step library -------------------------------------------------------------------


@dataclass(frozen=True)
class StepOption:
    """A step a mentor may choose: ``key`` is "L<id>" for the lead provider's library
    step and "T<id>" for the delivery partner's own."""

    key: str
    module: object
    title: str
    criteria: tuple
    kind: str
    kind_label: str
    strand: object
    library_step_id: int | None = None
    local_step_id: int | None = None


def step_library(*, tenant_id, modules):
    """{module.pk: [StepOption, ...]} for the modules: the library's steps, with the
    delivery partner's edited copies in place of the originals, its retired steps left
    out and its own steps added."""
    from programme.models import StepKind

    module_ids = [m.pk for m in modules]
    by_id = {m.pk: m for m in modules}
    local = list(LocalStep.objects.filter(tenant_id=tenant_id, module_id__in=module_ids).select_related("strand"))
    by_replaced = {s.replaces_id: s for s in local if s.replaces_id}

    def local_option(step):
        return StepOption(
            key=f"T{step.pk}", module=by_id[step.module_id], title=step.title, criteria=tuple(step.criteria),
            kind=step.kind, kind_label=StepKind(step.kind).label, strand=step.strand or by_id[step.module_id].strand,
            library_step_id=step.replaces_id, local_step_id=step.pk,
        )

    found = defaultdict(list)
    for step in LibraryStep.objects.filter(module_id__in=module_ids).select_related("strand").order_by("module_id", "order"):
        edited = by_replaced.get(step.pk)
        if edited is not None:  # the delivery partner's copy, in the original's place (or none: retired)
            if not edited.retired:
                found[step.module_id].append(local_option(edited))
            continue
        found[step.module_id].append(StepOption(
            key=f"L{step.pk}", module=by_id[step.module_id], title=step.title, criteria=tuple(step.criteria),
            kind=step.kind, kind_label=StepKind(step.kind).label, strand=step.strand, library_step_id=step.pk,
        ))
    for step in sorted(local, key=lambda s: (s.module_id, s.title)):
        if step.replaces_id is None and not step.retired:
            found[step.module_id].append(local_option(step))
    return dict(found)


def reached_modules(ect, *, on=None, path=None):
    """The modules an ECT has reached in self-study by ``on`` that steps can come from
    (released in their schedule; not necessarily the current one), in programme order."""
    from programme.progress import ect_path

    on = on or today()
    path = path or ect_path(ect, today=on)
    return [m.module for m in path.modules if m.released and m.module.kind in STEP_MODULE_KINDS]


def steppable_modules(ect):
    return [m for m in programme_modules(ect.cohort.programme) if m.kind in STEP_MODULE_KINDS]


# --- Coaching for mentors ------------------------------------------------------------------


def coached_mentors(*, coach, tenant_id, on=None):
    """{mentor.pk: CoachAssignment} of the mentors a coach coaches on ``on``."""
    from coaching.models import CoachAssignment

    on = on or today()
    return {
        a.mentor_id: a
        for a in CoachAssignment.objects.filter(tenant_id=tenant_id, coach=coach, started_on__lte=on)
        .exclude(ended_on__lt=on)
        .select_related("mentor__user", "mentor__cohort")
        .order_by("mentor__user__full_name")
    }


def focus_areas_for(mentor):
    """The coaching-for-mentors focus areas of the mentor's programme; a programme that
    names none borrows those of the programmes that do (one of each, by code)."""
    from programme.models import CoachingFocusArea

    programme_id = mentor.cohort.mentor_programme_id if mentor.cohort_id else None
    own = list(CoachingFocusArea.objects.filter(programme_id=programme_id)) if programme_id else []
    if own:
        return own
    found = {}
    for area in CoachingFocusArea.objects.order_by("programme_id", "order"):
        found.setdefault(area.code, area)
    return list(found.values())
