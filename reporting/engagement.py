"""Engagement: the one selector that says, for each ECT and mentor and a period, what was
expected and what was done, and a red / amber / green state with its reasons. The
induction tutor's dashboard, the delivery partner's reports and the reminders all read
it; nothing else decides whether someone is on track.

It counts, it does not guess. Expectations come from the rules that already exist, so
a school's holidays, a January start, a 0.6 FTE pattern, a deferral or an absence are
never shown as failure:

- self-study: the release schedule (``programme.progress``: each module's release date
  and expected-by date for this ECT, on their school's calendar, stretched by 1/FTE,
  paused weeks skipped);
- coaching: the cadence rule (``coaching.selectors.coaching_states``: the ECT's cycles,
  weekly in year 1 and fortnightly in year 2, those missed, the step-repeat and other
  quality flags with their own thresholds);
- events: ``events.selectors.event_states`` (booked, attended, missed, catch-up done).

``engagement(...)`` reads everything once (a fixed number of queries for a school or a
whole delivery partner) and ``assess(facts, on)`` judges a person on any day from those
facts without reading again, so the term's trend costs no extra queries.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from coaching.models import ActionStep, Observation
from coaching.selectors import CycleStatus, coaching_states, with_coaching_facts
from events.models import Booking
from events.selectors import event_states
from participants.models import ECT, Mentor, MentorAbsence, Mentorship, Pause, TrainingStatus
from participants.selectors import away_too_long
from programme.progress import ect_paths
from programme.schedule import long_date
from programme.models import Audience

RED, AMBER, GREEN, PAUSED = "red", "amber", "green", "paused"
LEVEL_ORDER = {RED: 0, AMBER: 1, GREEN: 2, PAUSED: 3}
LEVEL_LABELS = {RED: "Act now", AMBER: "Check", GREEN: "On track", PAUSED: "Paused"}

# Self-study: one module overdue is worth a check; overdue longer than this, or several
# at once, needs the tutor to act.
SELF_STUDY_RED_AFTER_DAYS = 14
SELF_STUDY_RED_MODULES = 2
# Events: a missed event's catch-up still outstanding this long after the session needs
# the tutor to act; before that it is a check.
CATCH_UP_RED_AFTER_DAYS = 28


@dataclass(frozen=True)
class Reason:
    level: str  # RED or AMBER
    area: str  # "self_study", "coaching", "events", "mentor", "status"
    text: str


@dataclass
class Engagement:
    """One person's engagement for a period ending ``on``."""

    user: object
    kind: str  # "ect" or "mentor"
    record: object  # the ECT or Mentor
    start: dt.date
    on: dt.date
    self_study_expected: int = 0
    self_study_done: int = 0
    overdue: list = field(default_factory=list)  # [(module, days overdue on ``on``)]
    cycles_expected: int = 0
    cycles_logged: int = 0
    observations: int = 0
    steps_recorded: int = 0
    events_expected: int = 0
    events_attended: int = 0
    catch_up_outstanding: list = field(default_factory=list)  # [EventState]
    reasons: list = field(default_factory=list)
    paused: str = ""  # why expectations are paused, when they are

    @property
    def level(self):
        if self.paused:
            return PAUSED
        levels = {r.level for r in self.reasons}
        return RED if RED in levels else AMBER if AMBER in levels else GREEN

    @property
    def level_label(self):
        return LEVEL_LABELS[self.level]

    @property
    def name(self):
        return self.user.full_name or self.user.email

    @property
    def sorted_reasons(self):
        return sorted(self.reasons, key=lambda r: LEVEL_ORDER[r.level])


def _plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


# --- Facts, read once ------------------------------------------------------------------


@dataclass
class Facts:
    """Everything ``assess`` needs, read once for a group of people on ``today``."""

    today: dt.date
    ects: list
    mentors: list
    paths: dict  # ect.pk -> programme.progress.Path (with completion times)
    coaching: dict  # ect.pk -> coaching.selectors.CoachingState
    events: dict  # user id -> [events.selectors.EventState]
    observations: dict  # ect.pk -> [observed_on]
    steps: dict  # ect.pk -> [set_on]
    pauses: dict  # ect.pk -> [Pause]
    mentorships: dict  # ect.pk -> [Mentorship] oldest first
    mentees: dict  # mentor.pk -> [ECT]
    absences: dict  # mentor.pk -> [MentorAbsence]


def read_facts(*, tenant_id, ects, mentors, today=None):
    """Read the facts of ECTs (a queryset) and mentors (a queryset) in a fixed number of
    queries, whatever their number."""
    today = today or timezone.localdate()
    ects = list(with_coaching_facts(ects.filter(tenant_id=tenant_id)))
    mentors = list(mentors.filter(tenant_id=tenant_id).select_related("user", "cohort"))
    mentor_ids = [m.pk for m in mentors]
    mentees = defaultdict(list)
    ect_by_pk = {e.pk: e for e in ects}
    mentee_rows = list(
        Mentorship.objects.filter(tenant_id=tenant_id, mentor_id__in=mentor_ids, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .values_list("mentor_id", "ect_id")
    )
    missing = {ect_id for _, ect_id in mentee_rows if ect_id not in ect_by_pk}
    # Mentees outside the group (at another school, or withdrawn): read with the same
    # facts, their coaching judged with the group's.
    extra = list(with_coaching_facts(ECT.objects.filter(tenant_id=tenant_id, pk__in=missing))) if missing else []
    ect_by_pk.update({e.pk: e for e in extra})
    for mentor_id, ect_id in mentee_rows:
        mentees[mentor_id].append(ect_by_pk[ect_id])
    # Observations and steps of the group and of the mentees outside it (a mentor's
    # counts include every ECT they coach).
    ect_ids = list(ect_by_pk)
    observations, steps = defaultdict(list), defaultdict(list)
    for ect_id, day in Observation.objects.filter(tenant_id=tenant_id, ect_id__in=ect_ids).values_list(
        "ect_id", "observed_on"
    ):
        observations[ect_id].append(day)
    for ect_id, day in ActionStep.objects.filter(tenant_id=tenant_id, ect_id__in=ect_ids).values_list(
        "ect_id", "set_on"
    ):
        steps[ect_id].append(day)
    absences = defaultdict(list)
    for absence in MentorAbsence.objects.filter(tenant_id=tenant_id, mentor_id__in=mentor_ids):
        absences[absence.mentor_id].append(absence)
    coaching = coaching_states(ects + extra, on=today) if ects or extra else {}
    users = [e.user_id for e in ects] + [m.user_id for m in mentors]
    return Facts(
        today=today, ects=ects, mentors=mentors,
        paths=ect_paths(ects, today=today) if ects else {},
        coaching=coaching,
        events=event_states(tenant_id=tenant_id, user_ids=users) if users else {},
        observations=observations, steps=steps,
        pauses={e.pk: list(e.pauses.all()) for e in ects},
        mentorships={e.pk: sorted(e.mentorships.all(), key=lambda m: m.started_on) for e in ects},
        mentees=mentees, absences=absences,
    )


# --- Judging, from the facts -----------------------------------------------------------


def start_of(day):
    """The first moment of ``day``, local time (aware): a time ticked before it was
    ticked on an earlier day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _done_before(progress, moment):
    """Whether a module's activities were all ticked before ``moment``."""
    if not progress.activities:
        return False
    return all(a.done_at is not None and a.done_at < moment for a in progress.activities)


def _self_study(result, path, start, on):
    end_of_on = start_of(on + dt.timedelta(days=1))
    for progress in path.trackable:
        expected_by = progress.expected_by
        if expected_by is None or expected_by >= on:
            continue
        done = _done_before(progress, end_of_on)
        if start <= expected_by:
            result.self_study_expected += 1
            result.self_study_done += done
        if not done:
            result.overdue.append((progress.module, (on - expected_by).days))
    if result.overdue:
        oldest = max(days for _, days in result.overdue)
        count = len(result.overdue)
        if count == 1:
            text = f"self-study: 1 module overdue by {_plural(oldest, 'day')}"
        else:
            text = f"self-study: {count} modules overdue (the oldest by {_plural(oldest, 'day')})"
        level = RED if oldest > SELF_STUDY_RED_AFTER_DAYS or count >= SELF_STUDY_RED_MODULES else AMBER
        result.reasons.append(Reason(level, "self_study", text))


def _logged_by(row, day):
    """A coaching meeting held by ``day`` (by the date the mentor gave it)."""
    return row is not None and row["met_on"] <= day


def _coaching(result, state, facts, ect, start, on):
    """Cycles over by ``on`` (in the period) against meetings logged by then; the
    coaching flags as ``coaching.selectors`` raises them (judged today) when ``on`` is today."""
    missed_run, last_missed = 0, None
    for item in state.states:
        cycle = item.cycle
        if cycle.ends_on >= on or cycle.starts_on > on:
            continue  # not over on that day
        if item.status in (CycleStatus.MENTOR_AWAY, CycleStatus.NO_MENTOR):
            continue
        met = _logged_by(item.meeting, on)
        if cycle.ends_on >= start:
            result.cycles_expected += 1
            result.cycles_logged += met
        if met:
            missed_run, last_missed = 0, None
        else:
            missed_run += 1
            last_missed = cycle
    current = next((i for i in state.states if i.cycle.holds(on)), None)
    if current is not None and _logged_by(current.meeting, on):
        missed_run = 0  # a meeting this cycle ends the run of missed cycles
    result.observations += sum(1 for day in facts.observations.get(ect.pk, []) if start <= day <= on)
    result.steps_recorded += sum(1 for day in facts.steps.get(ect.pk, []) if start <= day <= on)
    if missed_run >= 2:
        result.reasons.append(Reason(RED, "coaching", f"coaching: no meeting logged for {missed_run} cycles in a row"))
    elif missed_run == 1:
        result.reasons.append(Reason(
            AMBER, "coaching", f"coaching: no meeting logged in the cycle of {long_date(last_missed.starts_on)}",
        ))
    if on == facts.today:
        for flag in state.flags:
            if flag.code == "missed":
                continue  # counted above, on the same rule
            text = flag.text if flag.code != "repeat" else f"step repeated {state.step.run} times: “{state.step.title}”"
            result.reasons.append(Reason(flag.level, "coaching", text[0].lower() + text[1:]))


def _events(result, states, start, on):
    for state in states:
        booking = state.booking
        session = booking.session if booking else None
        if session is None or not start <= timezone.localtime(session.starts_at).date() <= on:
            continue
        if session.ends_at > timezone.make_aware(dt.datetime.combine(on, dt.time.max)):
            continue
        if booking.attendance:
            result.events_expected += 1
            result.events_attended += booking.attendance in Booking.ATTENDED
    for state in states:
        if state.catch_up is None or state.session is None:
            continue
        missed_on = timezone.localtime(state.session.starts_at).date()
        if missed_on > on:
            continue
        done = state.catch_up.completed_at is not None and timezone.localtime(state.catch_up.completed_at).date() <= on
        if done:
            continue
        result.catch_up_outstanding.append(state)
        late = (on - missed_on).days > CATCH_UP_RED_AFTER_DAYS
        result.reasons.append(Reason(
            RED if late else AMBER, "events",
            f"missed {state.event.get_kind_display()} {state.event.number}, catch-up not done",
        ))


def _mentor_reason(result, mentorships, ect, on):
    current = next((m for m in reversed(mentorships) if m.covers(on)), None)
    if current is not None or ect.induction_start > on:
        return current
    ended = [m.ended_on for m in mentorships if m.ended_on and m.ended_on < on]
    since = max(ended) + dt.timedelta(days=1) if ended else ect.induction_start
    result.reasons.append(Reason(RED, "mentor", f"no mentor since {since.day} {since:%B}"))
    return None


def paused_reason(ect, pauses, on):
    if ect.training_status == TrainingStatus.DEFERRED:
        # From the day of the deferral (its open deferral pause): before it, as the
        # term's trend asks, the ECT was active and is judged as such.
        deferred = [p.starts_on for p in pauses if p.kind == Pause.Kind.DEFERRAL and p.ends_on is None]
        if not deferred or min(deferred) <= on:
            return "training deferred"
    if ect.training_status == TrainingStatus.WITHDRAWN:
        return "withdrawn"
    for pause in pauses:
        if pause.starts_on <= on and (pause.ends_on is None or on <= pause.ends_on):
            return f"{Pause.Kind(pause.kind).label.lower()} since {pause.starts_on.day} {pause.starts_on:%B}"
    return ""


def assess_ect(facts, ect, *, start, on):
    result = Engagement(user=ect.user, kind="ect", record=ect, start=start, on=on)
    result.paused = paused_reason(ect, facts.pauses.get(ect.pk, []), on)
    if ect.induction_start > on:
        return result
    path = facts.paths.get(ect.pk)
    if path is not None:
        _self_study(result, path, start, on)
    state = facts.coaching.get(ect.pk)
    if state is not None:
        _coaching(result, state, facts, ect, start, on)
    _events(result, [s for s in facts.events.get(ect.user_id, []) if s.expectation.audience == Audience.ECT],
            start, on)
    _mentor_reason(result, facts.mentorships.get(ect.pk, []), ect, on)
    return result


def assess_mentor(facts, mentor, *, start, on):
    """A mentor: their ECTs' coaching cycles (each missed one named), their own events,
    and an absence long enough to need cover."""
    result = Engagement(user=mentor.user, kind="mentor", record=mentor, start=start, on=on)
    if mentor.training_status != TrainingStatus.ACTIVE:
        result.paused = TrainingStatus(mentor.training_status).label.lower()
        return result
    for absence in facts.absences.get(mentor.pk, []):
        if absence.covers(on) and away_too_long(absence, on):
            result.reasons.append(Reason(
                RED if facts.mentees.get(mentor.pk) else AMBER, "mentor",
                f"away since {absence.started_on.day} {absence.started_on:%B}: their ECTs need another mentor",
            ))
    for ect in facts.mentees.get(mentor.pk, []):
        state = facts.coaching.get(ect.pk)
        if state is None:
            continue
        part = Engagement(user=ect.user, kind="ect", record=ect, start=start, on=on)
        _coaching(part, state, facts, ect, start, on)
        result.cycles_expected += part.cycles_expected
        result.cycles_logged += part.cycles_logged
        result.observations += part.observations
        result.steps_recorded += part.steps_recorded
        for reason in part.reasons:
            if reason.text.startswith("coaching: "):
                text = f"coaching with {ect.user.full_name or ect.user.email}: {reason.text[len('coaching: '):]}"
            else:
                text = f"{ect.user.full_name or ect.user.email}: {reason.text}"
            result.reasons.append(Reason(reason.level, "coaching", text))
    _events(result, [s for s in facts.events.get(mentor.user_id, []) if s.expectation.audience == Audience.MENTOR],
            start, on)
    return result


def assess(facts, *, start, on):
    """[Engagement] for every ECT and mentor of the facts, judged on ``on``."""
    return [assess_ect(facts, e, start=start, on=on) for e in facts.ects] + [
        assess_mentor(facts, m, start=start, on=on) for m in facts.mentors
    ]


# --- For a school ----------------------------------------------------------------------


def school_people(school, on):
    """The ECTs and mentors with a period at the school covering ``on``."""
    here = Q(school_periods__school=school, school_periods__started_on__lte=on) & (
        Q(school_periods__ended_on__isnull=True) | Q(school_periods__ended_on__gte=on)
    )
    ects = ECT.objects.filter(here, tenant_id=school.tenant_id).exclude(
        training_status=TrainingStatus.WITHDRAWN).distinct()
    mentors = Mentor.objects.filter(here, tenant_id=school.tenant_id).exclude(
        training_status=TrainingStatus.WITHDRAWN).distinct()
    return ects, mentors


def school_engagement(school, *, start, on=None):
    on = on or timezone.localdate()
    ects, mentors = school_people(school, on)
    facts = read_facts(tenant_id=school.tenant_id, ects=ects, mentors=mentors, today=on)
    return facts, assess(facts, start=start, on=on)


def level_counts(results):
    counts = Counter(r.level for r in results)
    return {level: counts.get(level, 0) for level in (RED, AMBER, GREEN, PAUSED)}


def trend(facts, *, start, weeks):
    """[(week ending, {level: count})] judged at the end of each week from the same facts."""
    return [(day, level_counts(assess(facts, start=start, on=day))) for day in weeks]
