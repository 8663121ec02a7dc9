"""Writes for coaching: observations, meetings and the steps they set, reflections,
step proposals and coaching-for-mentors sessions. Each checks everything first and
writes in one transaction, so a refusal leaves nothing behind; each refusal says what
to do instead."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from coaching.cycles import cycle_on
from coaching.models import ActionStep, Meeting, MentorCoachingSession, Observation, Progress, StepProposal
from coaching.selectors import EDIT_WINDOW, current_mentor_of, edit_window_closed, ect_cycles, reached_modules
from ectalign.mail import send_email
from participants.models import ECT
from programme.models import STEP_MODULE_KINDS, StepKind, criteria_lines
from programme.schedule import long_date

MAX_OBSERVATION_MINUTES = 180
MAX_MEETING_MINUTES = 240
MAX_PRACTICE_ROUNDS = 20
MAX_CRITERIA = 8


class CoachingError(Exception):
    """A coaching log that cannot be saved, with a message a person can act on.
    ``field`` names the form field it belongs beside; ``existing`` is the log already
    recorded for the cycle (so the page can offer to edit it instead)."""

    def __init__(self, message, *, field=None, existing=None):
        super().__init__(message)
        self.field = field
        self.existing = existing


@dataclass(frozen=True)
class StepChoice:
    """The step a meeting sets: ``source`` is "repeat" (the current step again),
    "library" (``key`` of a ``StepOption``: L<id> or T<id>), "own" (written here:
    ``module``, ``title``, ``criteria``, ``kind``) or "proposal" (the ECT's open
    proposal as it is)."""

    source: str
    key: str = ""
    module: object = None
    title: str = ""
    criteria: str = ""
    kind: str = StepKind.PERFORMANCE


def _mentor_of(ect, actor, on):
    """The actor's mentor record if they mentor the ECT on ``on``; else a refusal."""
    mentorship = current_mentor_of(ect, on)
    if mentorship is None or mentorship.mentor.user_id != actor.pk:
        raise CoachingError("Only the ECT's mentor at the time can log their coaching.")
    return mentorship


def _check_date(ect, actor, day, *, what, field, today):
    if day is None:
        raise CoachingError(f"Enter the date of the {what}, for example {today.day} {today:%m %Y}.", field=field)
    if day > today:
        raise CoachingError(
            f"The {what} date {long_date(day)} is in the future: log it on the day or after it.", field=field
        )
    if current_mentor_of(ect, today) is None or current_mentor_of(ect, today).mentor.user_id != actor.pk:
        raise CoachingError("Only the ECT's current mentor can log their coaching.")
    mentorship = current_mentor_of(ect, day)
    if mentorship is None or mentorship.mentor.user_id != actor.pk:
        current = current_mentor_of(ect, today)
        raise CoachingError(
            f"You began mentoring {ect.user.full_name or 'this ECT'} on {long_date(current.started_on)}: "
            f"a {what} on {long_date(day)} is before that. Check the date.",
            field=field,
        )
    cycles = ect_cycles([ect], on=today)[ect.pk]
    cycle = cycle_on(cycles, day)
    if cycle is None:
        first = cycles[0].starts_on if cycles else ect.induction_start
        if day < first:
            raise CoachingError(
                f"{long_date(day)} is before the ECT's first coaching cycle (from {long_date(first)}): check the date.",
                field=field,
            )
        raise CoachingError(
            f"{long_date(day)} falls outside the coaching cycles (between the two years or after the programme "
            "ends), when no coaching is logged: check the date.",
            field=field,
        )
    return mentorship, cycle


def _check_minutes(minutes, *, what, most, field="minutes"):
    if minutes is None:
        raise CoachingError(f"Enter how long the {what} lasted, in minutes.", field=field)
    if minutes < 1:
        raise CoachingError(f"The length of the {what} must be at least 1 minute.", field=field)
    if minutes > most:
        raise CoachingError(
            f"{minutes} minutes is longer than a {what} can be here (at most {most}): enter the length in minutes.",
            field=field,
        )


def _lock(ect):
    """Serialise logs for one ECT (two taps of "save" at once)."""
    ECT.objects.select_for_update(of=("self",)).filter(pk=ect.pk).first()


def current_step(ect, on=None):
    qs = ActionStep.objects.filter(tenant_id=ect.tenant_id, ect=ect)
    if on:
        qs = qs.filter(set_on__lte=on)
    return qs.select_related("module").order_by("-set_on", "-pk").first()


# --- Observations ----------------------------------------------------------------------


@transaction.atomic
def log_observation(*, actor, ect, observed_on, minutes, mode, seen, progress="", notes="", today=None, now=None):
    today = today or timezone.localdate()
    mentorship, cycle = _check_date(ect, actor, observed_on, what="observation", field="observed_on", today=today)
    _check_minutes(minutes, what="observation", most=MAX_OBSERVATION_MINUTES)
    _lock(ect)
    existing = Observation.objects.filter(tenant_id=ect.tenant_id, ect=ect, cycle_starts_on=cycle.starts_on).first()
    if existing:
        raise CoachingError(
            f"An observation is already logged for this cycle (on {long_date(existing.observed_on)}): "
            "change that one instead.",
            field="observed_on", existing=existing,
        )
    step = current_step(ect, observed_on)
    progress = _check_progress(progress, step)
    if not (seen or "").strip():
        raise CoachingError("Say briefly what you saw: one or two sentences are enough.", field="seen")
    observation = Observation(
        tenant_id=ect.tenant_id, ect=ect, mentor=mentorship.mentor, cycle_starts_on=cycle.starts_on,
        observed_on=observed_on, minutes=minutes, mode=_mode(mode), step=step,
        progress=progress, seen=seen.strip(), notes=(notes or "").strip(), created_by=actor,
        created_at=now or timezone.now(),
    )
    observation._history_user = actor
    try:
        with transaction.atomic():
            observation.save()
    except IntegrityError:
        raise CoachingError("An observation was logged for this cycle a moment ago: change that one instead.",
                            field="observed_on") from None
    return observation


def _mode(mode):
    if not mode:
        return Observation.Mode.IN_PERSON
    if mode not in Observation.Mode.values:
        raise CoachingError("Say whether you observed in person or by video.", field="mode")
    return mode


def _check_progress(progress, step):
    if step is None:
        return ""
    if progress not in Progress.values:
        raise CoachingError(
            f"Say how the ECT is getting on with their step “{step.title}”: secure, progressing or not yet.",
            field="progress",
        )
    return progress


def _check_editable(record, actor, *, what, now):
    if record.created_by_id != actor.pk:
        raise CoachingError(f"Only the mentor who logged this {what} can change it.")
    if edit_window_closed(record.created_at, now=now):
        raise CoachingError(
            f"This {what} was logged on {long_date(timezone.localtime(record.created_at).date())}; "
            f"it can be changed for {EDIT_WINDOW.days} days and is now kept as it is."
        )


@transaction.atomic
def update_observation(*, actor, observation, observed_on, minutes, mode, seen, progress="", notes="", today=None, now=None):
    today, now = today or timezone.localdate(), now or timezone.now()
    _check_editable(observation, actor, what="observation", now=now)
    ect = observation.ect
    _, cycle = _check_date(ect, actor, observed_on, what="observation", field="observed_on", today=today)
    _check_minutes(minutes, what="observation", most=MAX_OBSERVATION_MINUTES)
    _lock(ect)
    clash = Observation.objects.filter(tenant_id=ect.tenant_id, ect=ect, cycle_starts_on=cycle.starts_on).exclude(
        pk=observation.pk
    ).first()
    if clash:
        raise CoachingError(
            f"Another observation is logged for the cycle of {long_date(observed_on)}: choose a date in this cycle.",
            field="observed_on", existing=clash,
        )
    if not (seen or "").strip():
        raise CoachingError("Say briefly what you saw: one or two sentences are enough.", field="seen")
    step = current_step(ect, observed_on)
    observation.progress = _check_progress(progress, step)
    observation.step = step
    observation.cycle_starts_on = cycle.starts_on
    observation.observed_on, observation.minutes, observation.mode = observed_on, minutes, _mode(mode)
    observation.seen, observation.notes = seen.strip(), (notes or "").strip()
    observation._history_user = actor
    observation.save()
    return observation


# --- Meetings and steps -----------------------------------------------------------------


def _resolve_step(ect, choice, *, actor, met_on, allowed, previous, proposal):
    """The new ActionStep (unsaved) for a meeting's StepChoice, or a refusal."""
    from coaching.selectors import step_library

    allowed_ids = {m.pk for m in allowed}

    def refuse_unreached(module):
        names = "; ".join(f"{m.code} {m.title}" for m in allowed) or "none yet"
        raise CoachingError(
            f"{module.code} {module.title} has not been reached in the ECT's self-study yet, so a step cannot come "
            f"from it. Choose a step from a module reached so far: {names}.",
            field="step",
        )

    base = {"tenant_id": ect.tenant_id, "ect": ect, "set_on": met_on, "set_by": actor}
    if choice.source == "repeat":
        if previous is None:
            raise CoachingError("There is no step to repeat yet: choose one from the library or write one.", field="step")
        return ActionStep(
            **base, module=previous.module, strand=previous.strand, title=previous.title,
            success_criteria=previous.success_criteria, kind=previous.kind, source=ActionStep.Source.REPEAT,
            library_step_id=previous.library_step_id, local_step_id=previous.local_step_id,
            repeats=previous, run=previous.run + 1,
        )
    if choice.source == "library":
        key = choice.key or ""
        programme_modules = [m for m in _programme_modules(ect)]
        library = step_library(tenant_id=ect.tenant_id, modules=programme_modules)
        option = next((o for options in library.values() for o in options if o.key == key), None)
        if option is None:
            raise CoachingError("Choose a step from the list.", field="library_step")
        if option.module.pk not in allowed_ids:
            refuse_unreached(option.module)
        return ActionStep(
            **base, module=option.module, strand=option.strand, title=option.title,
            success_criteria="\n".join(option.criteria), kind=option.kind, source=ActionStep.Source.LIBRARY,
            library_step_id=option.library_step_id, local_step_id=option.local_step_id,
        )
    if choice.source in ("own", "proposal"):
        if choice.source == "proposal":
            if proposal is None:
                raise CoachingError("The ECT has no step proposal waiting: choose another way to set the step.",
                                    field="step")
            module, title, criteria, kind = proposal.module, proposal.title, proposal.success_criteria, proposal.kind
        else:
            module, title, criteria, kind = choice.module, (choice.title or "").strip(), choice.criteria, choice.kind
        if module is None:
            raise CoachingError("Choose the module your step comes from.", field="module")
        if module.programme_id != ect.cohort.programme_id or module.kind not in STEP_MODULE_KINDS:
            raise CoachingError("Choose a module of the ECT's programme.", field="module")
        if module.pk not in allowed_ids:
            refuse_unreached(module)
        if not title:
            raise CoachingError("Write the step in a few words, for example “Narrate the positive”.", field="title")
        if len(title) > 160:
            raise CoachingError(f"Keep the step to 160 characters (it has {len(title)}).", field="title")
        lines = criteria_lines(criteria)
        if not lines:
            raise CoachingError("Give at least one success criterion, one per line.", field="criteria")
        if len(lines) > MAX_CRITERIA:
            raise CoachingError(f"Keep to {MAX_CRITERIA} success criteria at most: a step is bite-sized.",
                                field="criteria")
        if kind not in StepKind.values:
            raise CoachingError("Say whether the step is performance-based, task-based or both.", field="kind")
        if choice.source == "proposal":
            source = ActionStep.Source.PROPOSAL
        elif proposal is not None and choice.key == "from-proposal":
            source = ActionStep.Source.PROPOSAL_EDITED
        else:
            source = ActionStep.Source.OWN
        from_proposal = source != ActionStep.Source.OWN
        return ActionStep(
            **base, module=module, strand=module.strand, title=title, success_criteria="\n".join(lines), kind=kind,
            source=source,
            library_step_id=proposal.library_step_id if from_proposal else None,
            local_step_id=proposal.local_step_id if from_proposal else None,
        )
    raise CoachingError("Choose how to set the step: repeat it, pick one from the library, or write one.", field="step")


def _programme_modules(ect):
    from coaching.selectors import steppable_modules

    return steppable_modules(ect)


def _open_proposal(ect):
    return StepProposal.objects.filter(tenant_id=ect.tenant_id, ect=ect, state=StepProposal.State.OPEN).first()


@transaction.atomic
def log_meeting(
    *, actor, ect, met_on, minutes, kind=Meeting.Kind.INSTRUCTIONAL, step: StepChoice | None = None, praise="",
    modelled=False, practice_rounds=0, instructional_minutes=None, pastoral_notes="", ect_reflections="",
    today=None, now=None,
):
    """Log a coaching meeting and the step it sets for the next cycle."""
    today = today or timezone.localdate()
    mentorship, cycle = _check_date(ect, actor, met_on, what="coaching meeting", field="met_on", today=today)
    _check_minutes(minutes, what="coaching meeting", most=MAX_MEETING_MINUTES)
    _check_parts(minutes, instructional_minutes, practice_rounds)
    if kind not in Meeting.Kind.values:
        raise CoachingError("Say whether this was instructional or pastoral coaching.", field="kind")
    _lock(ect)
    existing = Meeting.objects.filter(tenant_id=ect.tenant_id, ect=ect, cycle_starts_on=cycle.starts_on).first()
    if existing:
        raise CoachingError(
            f"A coaching meeting is already logged for this cycle (on {long_date(existing.met_on)}): "
            "change that one instead.",
            field="met_on", existing=existing,
        )
    previous = current_step(ect, met_on)
    meeting = Meeting(
        tenant_id=ect.tenant_id, ect=ect, mentor=mentorship.mentor, cycle_starts_on=cycle.starts_on, met_on=met_on,
        minutes=minutes, kind=kind, instructional_minutes=instructional_minutes, previous_step=previous,
        praise=(praise or "").strip(), modelled=bool(modelled), practice_rounds=practice_rounds or 0,
        pastoral_notes=(pastoral_notes or "").strip(), ect_reflections=(ect_reflections or "").strip(),
        created_by=actor, created_at=now or timezone.now(),
    )
    new_step = _step_for(meeting, step, actor=actor, previous=previous, today=today)
    if new_step is not None:
        new_step._history_user = actor
        new_step.save()
        meeting.step = new_step
    meeting._history_user = actor
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        raise CoachingError("A coaching meeting was logged for this cycle a moment ago: change that one instead.",
                            field="met_on") from None
    _close_proposal(ect, new_step, actor)
    if new_step is not None:
        send_email(to=ect.user.email, template="coaching_new_step", context={"ect": ect, "step": new_step,
                                                                              "meeting": meeting},
                   tenant_id=ect.tenant_id)
    return meeting


def _check_parts(minutes, instructional_minutes, practice_rounds):
    if instructional_minutes is not None and not 0 <= instructional_minutes <= minutes:
        raise CoachingError(
            f"The instructional part cannot be longer than the whole meeting ({minutes} minutes).",
            field="instructional_minutes",
        )
    if practice_rounds is not None and not 0 <= practice_rounds <= MAX_PRACTICE_ROUNDS:
        raise CoachingError(f"Enter the number of practice rounds, from 0 to {MAX_PRACTICE_ROUNDS}.",
                            field="practice_rounds")


def _step_for(meeting, step, *, actor, previous, today):
    ect = meeting.ect
    if meeting.kind == Meeting.Kind.PASTORAL and (step is None or step.source == "keep"):
        return None  # a pastoral cycle: the current step carries on
    if step is None or step.source == "keep":
        raise CoachingError("Set the step for the next cycle: repeat the current one, choose one or write one.",
                            field="step")
    allowed = reached_modules(ect, on=meeting.met_on)
    return _resolve_step(ect, step, actor=actor, met_on=meeting.met_on, allowed=allowed, previous=previous,
                         proposal=_open_proposal(ect))


def _close_proposal(ect, new_step, actor):
    proposal = _open_proposal(ect)
    if proposal is None or new_step is None:
        return
    if new_step.source in (ActionStep.Source.PROPOSAL, ActionStep.Source.PROPOSAL_EDITED):
        proposal.state = (StepProposal.State.ACCEPTED if new_step.source == ActionStep.Source.PROPOSAL
                          else StepProposal.State.EDITED)
        proposal.step = new_step
        proposal._history_user = actor
        proposal.save()


@transaction.atomic
def update_meeting(
    *, actor, meeting, met_on, minutes, kind, praise="", modelled=False, practice_rounds=0,
    instructional_minutes=None, pastoral_notes="", ect_reflections=None, step: StepChoice | None = None,
    today=None, now=None,
):
    """Correct a meeting within the edit window. The step it set can be changed only
    while it is still the ECT's latest step."""
    today, now = today or timezone.localdate(), now or timezone.now()
    _check_editable(meeting, actor, what="coaching meeting", now=now)
    ect = meeting.ect
    _, cycle = _check_date(ect, actor, met_on, what="coaching meeting", field="met_on", today=today)
    _check_minutes(minutes, what="coaching meeting", most=MAX_MEETING_MINUTES)
    _check_parts(minutes, instructional_minutes, practice_rounds)
    _lock(ect)
    clash = Meeting.objects.filter(tenant_id=ect.tenant_id, ect=ect, cycle_starts_on=cycle.starts_on).exclude(
        pk=meeting.pk
    ).first()
    if clash:
        raise CoachingError(
            f"Another coaching meeting is logged for the cycle of {long_date(met_on)}: choose a date in this cycle.",
            field="met_on", existing=clash,
        )
    meeting.cycle_starts_on, meeting.met_on, meeting.minutes, meeting.kind = cycle.starts_on, met_on, minutes, kind
    meeting.praise, meeting.modelled = (praise or "").strip(), bool(modelled)
    meeting.practice_rounds, meeting.instructional_minutes = practice_rounds or 0, instructional_minutes
    meeting.pastoral_notes = (pastoral_notes or "").strip()
    if ect_reflections is not None:
        meeting.ect_reflections = ect_reflections.strip()
    if kind not in Meeting.Kind.values:
        raise CoachingError("Say whether this was instructional or pastoral coaching.", field="kind")
    if meeting.step_id is None and (step is not None and step.source != "keep"):
        raise CoachingError(
            "This meeting set no step (a pastoral cycle), so the current step carried on: set the next step in "
            "the next meeting.", field="step",
        )
    if meeting.step_id is None and kind == Meeting.Kind.INSTRUCTIONAL:
        raise CoachingError(
            "This meeting set no step, so it stays a pastoral meeting: set the next step in the next meeting.",
            field="kind",
        )
    if step is not None and step.source != "keep":
        latest = current_step(ect)
        if meeting.step_id is None or latest is None or latest.pk != meeting.step_id:
            raise CoachingError(
                "A later meeting has set a newer step, so this meeting's step is kept as it was.", field="step"
            )
        old = meeting.step
        replacement = _resolve_step(
            ect, step, actor=actor, met_on=met_on, allowed=reached_modules(ect, on=met_on),
            previous=meeting.previous_step, proposal=None,
        )
        for name in ("module", "strand", "title", "success_criteria", "kind", "source", "library_step_id",
                     "local_step_id", "repeats", "run"):
            setattr(old, name, getattr(replacement, name))
        old.set_on = met_on
        old._history_user = actor
        old.save()
    elif meeting.step_id and meeting.step.set_on != met_on:
        # The step was set in the meeting: a corrected meeting date is its date too.
        meeting.step.set_on = met_on
        meeting.step._history_user = actor
        meeting.step.save()
    meeting._history_user = actor
    meeting.save()
    return meeting


@transaction.atomic
def add_reflection(*, actor, meeting, text):
    """The ECT's own reflections on a meeting (theirs to write and change)."""
    if meeting.ect.user_id != actor.pk:
        raise CoachingError("Only the ECT can add their reflections to this meeting.")
    text = (text or "").strip()
    if len(text) > 2000:
        raise CoachingError(f"Keep your reflections to 2,000 characters (they have {len(text):,}).", field="text")
    meeting.ect_reflections = text
    meeting._history_user = actor
    meeting.save(update_fields=["ect_reflections"])
    return meeting


# --- Year 2: the ECT proposes a step ----------------------------------------------------


@transaction.atomic
def propose_step(*, actor, ect, step: StepChoice, why="", today=None, now=None):
    """A year-2 ECT proposes the step for their next cycle (replacing a proposal still
    waiting); their mentor accepts or edits it in the meeting."""
    today = today or timezone.localdate()
    if ect.user_id != actor.pk:
        raise CoachingError("Only the ECT can propose their own step.")
    cycles = ect_cycles([ect], on=today)[ect.pk]
    cycle = cycle_on(cycles, today) or next((c for c in reversed(cycles) if c.starts_on <= today), None)
    if cycle is None or cycle.year < 2:
        raise CoachingError("Proposing your own step opens in year 2: until then your mentor sets your step.")
    allowed = reached_modules(ect, on=today)
    _lock(ect)
    if step.source == "library":
        # Looked up in the whole programme's library, so that a step from a module not
        # reached yet is refused naming the modules allowed, as in a meeting.
        draft = _resolve_step(ect, StepChoice(source="library", key=step.key), actor=actor, met_on=today,
                              allowed=allowed, previous=None, proposal=None)
        values = {"module": draft.module, "title": draft.title, "success_criteria": draft.success_criteria,
                  "kind": draft.kind, "library_step_id": draft.library_step_id, "local_step_id": draft.local_step_id}
    else:
        draft = _resolve_step(ect, StepChoice(source="own", module=step.module, title=step.title,
                                              criteria=step.criteria, kind=step.kind),
                              actor=actor, met_on=today, allowed=allowed, previous=None, proposal=None)
        values = {"module": draft.module, "title": draft.title, "success_criteria": draft.success_criteria,
                  "kind": draft.kind, "library_step_id": None, "local_step_id": None}
    proposal = _open_proposal(ect) or StepProposal(tenant_id=ect.tenant_id, ect=ect)
    for name, value in values.items():
        setattr(proposal, name, value)
    proposal.why = (why or "").strip()[:1000]
    proposal.proposed_at = now or timezone.now()
    proposal._history_user = actor
    proposal.save()
    return proposal


# --- Coaching for mentors ------------------------------------------------------------------


@transaction.atomic
def log_mentor_session(*, actor, mentor, held_on, minutes, focus_area, next_step, notes="", today=None, now=None):
    """A coach logs a coaching-for-mentors session with a mentor they coach."""
    from coaching.selectors import coached_mentors, focus_areas_for

    today = today or timezone.localdate()
    if held_on is None:
        raise CoachingError("Enter the date of the session.", field="held_on")
    if held_on > today:
        raise CoachingError(f"The session date {long_date(held_on)} is in the future: log it on the day or after it.",
                            field="held_on")
    assignment = coached_mentors(coach=actor, tenant_id=mentor.tenant_id, on=today).get(mentor.pk)
    if assignment is None:
        raise CoachingError("You can log sessions only with the mentors you coach.")
    if held_on < assignment.started_on:
        raise CoachingError(
            f"You began coaching this mentor on {long_date(assignment.started_on)}: check the session date.",
            field="held_on",
        )
    _check_minutes(minutes, what="session", most=MAX_MEETING_MINUTES)
    if focus_area is None or focus_area.pk not in {a.pk for a in focus_areas_for(mentor)}:
        raise CoachingError("Choose the focus of the session.", field="focus_area")
    if not (next_step or "").strip():
        raise CoachingError("Write the mentor's next step, in a sentence.", field="next_step")
    session = MentorCoachingSession(
        tenant_id=mentor.tenant_id, coach=actor, mentor=mentor, held_on=held_on, minutes=minutes,
        focus_area=focus_area, notes=(notes or "").strip(), next_step=next_step.strip(),
        created_at=now or timezone.now(),
    )
    session._history_user = actor
    session.save()
    return session
