"""Realistic coaching histories for the demo and the benchmark: for every ECT with a
mentor, the cycles before today's (from ``coaching.selectors.ect_cycles``, so they
follow the cadence, holidays and pauses) each get an observation and a coaching
meeting that sets a step from a module the ECT had reached by then; some cycles are
missed, some meetings are short, some steps are repeated (now and then three times
in a row), a few year-2 meetings are pastoral. The cycle holding today is left for the
mentor to log.

Seeded rows, not people's edits: written with ``bulk_create`` (no history rows), in a
few statements whatever the number of ECTs."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from coaching.models import ActionStep, Meeting, Observation, Progress
from coaching.selectors import ect_cycles, step_library
from participants.models import MentorAbsence
from programme.models import STEP_MODULE_KINDS
from programme.progress import ect_paths, programme_modules

MISS_CHANCE = 0.08
SHORT_MEETING_CHANCE = 0.1
REPEAT_CHANCE = 0.25
VIDEO_CHANCE = 0.15
PASTORAL_CHANCE_YEAR_2 = 0.05
BATCH_SIZE = 2000

SEEN = [
    "Clear routine at the door; most pupils started the task within a minute.",
    "Instructions given in two stages; a few pupils at the back waited for a repeat.",
    "Good use of cold calling; answers were mostly from the same side of the room.",
    "The worked example was modelled step by step, then pupils tried one together.",
    "Pupils practised independently; circulation reached most tables.",
    "Questioning checked recall; fewer checks of why an answer was right.",
    "Transitions between tasks were calm and quick.",
    "Feedback was given live to individuals; the class did not hear the common error.",
]
PRAISE = [
    "The step is becoming a habit: you did it without prompting twice this lesson.",
    "Much sharper this week: pupils knew exactly what to do and started at once.",
    "You kept to the routine even when the lesson was interrupted. Well done.",
    "Pupils responded well; next we make it consistent across the whole lesson.",
]
REFLECTIONS = [
    "Practising it out loud first helped. I'll script the first two lines.",
    "It worked with my Year 8 group; harder with the last lesson of the day.",
    "",
    "",
]


def seed_coaching_history(ects, *, today=None, seed="ectalign"):
    """Write histories for ``ects`` (read through ``coaching.selectors.with_coaching_facts``,
    all of one tenant) that have none yet. Returns {"observations": n, "meetings": n, "steps": n}."""
    today = today or timezone.localdate()
    ects = _without_history(list(ects))
    counts = {"observations": 0, "meetings": 0, "steps": 0}
    if not ects:
        return counts
    tenant_id = ects[0].tenant_id
    cycles = ect_cycles(ects, on=today)
    paths = ect_paths(ects, today=today, with_times=False)
    libraries = {}
    mentor_ids = {m.mentor_id for e in ects for m in e.mentorships.all()}
    absences = {}
    for absence in MentorAbsence.objects.filter(tenant_id=tenant_id, mentor_id__in=mentor_ids):
        absences.setdefault(absence.mentor_id, []).append(absence)

    plans = []  # (ect, [(cycle, mentorship, observation kwargs, meeting kwargs, step plan)])
    steps = []
    for ect in ects:
        programme = ect.cohort.programme
        if programme.pk not in libraries:
            modules = [m for m in programme_modules(programme) if m.kind in STEP_MODULE_KINDS]
            libraries[programme.pk] = step_library(tenant_id=tenant_id, modules=modules)
        library = libraries[programme.pk]
        path = paths[ect.pk]
        released = sorted(
            ((m.release_date, m.module) for m in path.modules
             if m.release_date and m.module.kind in STEP_MODULE_KINDS and library.get(m.module.pk)),
            key=lambda pair: (pair[0], pair[1].order),
        )
        rng = random.Random(f"{seed}-coaching-{ect.pk}")
        previous = None
        mentorships = list(ect.mentorships.all())
        for cycle in cycles.get(ect.pk, ()):
            if cycle.ends_on >= today:
                break  # today's cycle (and later ones) are the mentor's to log
            mentorship = next((m for m in reversed(mentorships) if m.covers(cycle.first_day)), None)
            if mentorship is None:
                continue
            if any(a.started_on <= cycle.first_day and (a.ended_on is None or a.ended_on >= cycle.last_day)
                   for a in absences.get(mentorship.mentor_id, ())):
                continue
            if rng.random() < MISS_CHANCE:
                continue
            observed_on = min(cycle.first_day + dt.timedelta(days=rng.randint(0, 2)), cycle.last_day)
            met_on = min(observed_on + dt.timedelta(days=1), cycle.last_day)
            reached = [module for day, module in released if day <= met_on]
            pastoral = cycle.year == 2 and previous is not None and rng.random() < PASTORAL_CHANCE_YEAR_2
            step = None
            if not pastoral and reached:
                if previous is not None and (rng.random() < REPEAT_CHANCE or previous.run == 2 and rng.random() < 0.3):
                    step = ActionStep(
                        tenant_id=tenant_id, ect_id=ect.pk, module_id=previous.module_id, strand_id=previous.strand_id,
                        title=previous.title, success_criteria=previous.success_criteria, kind=previous.kind,
                        source=ActionStep.Source.REPEAT, library_step_id=previous.library_step_id,
                        local_step_id=previous.local_step_id, run=previous.run + 1, set_on=met_on,
                        set_by_id=mentorship.mentor.user_id,
                    )
                    step._repeats = previous
                else:
                    recent = reached[-3:]
                    module = recent[-1] if rng.random() < 0.6 else rng.choice(reached)
                    option = rng.choice(library[module.pk])
                    step = ActionStep(
                        tenant_id=tenant_id, ect_id=ect.pk, module_id=module.pk,
                        strand_id=option.strand.pk if option.strand else module.strand_id, title=option.title,
                        success_criteria="\n".join(option.criteria), kind=option.kind,
                        source=ActionStep.Source.LIBRARY, library_step_id=option.library_step_id,
                        local_step_id=option.local_step_id, run=1, set_on=met_on,
                        set_by_id=mentorship.mentor.user_id,
                    )
                steps.append(step)
            observation = dict(
                tenant_id=tenant_id, ect_id=ect.pk, mentor_id=mentorship.mentor_id, cycle_starts_on=cycle.starts_on,
                observed_on=observed_on, minutes=rng.choice((12, 15, 15, 15, 20)),
                mode=Observation.Mode.VIDEO if rng.random() < VIDEO_CHANCE else Observation.Mode.IN_PERSON,
                progress=rng.choice((Progress.SECURE, Progress.PROGRESSING, Progress.PROGRESSING, Progress.NOT_YET))
                if previous else "",
                seen=rng.choice(SEEN), created_by_id=mentorship.mentor.user_id,
                created_at=_moment(observed_on, 11),
            )
            minutes = rng.randint(30, 40) if rng.random() < SHORT_MEETING_CHANCE else rng.choice((45, 45, 50, 60))
            meeting = dict(
                tenant_id=tenant_id, ect_id=ect.pk, mentor_id=mentorship.mentor_id, cycle_starts_on=cycle.starts_on,
                met_on=met_on, minutes=minutes,
                kind=Meeting.Kind.PASTORAL if pastoral else Meeting.Kind.INSTRUCTIONAL,
                instructional_minutes=None if pastoral else min(30, minutes),
                praise=rng.choice(PRAISE) if previous else "", modelled=not pastoral,
                practice_rounds=0 if pastoral else rng.randint(2, 4),
                pastoral_notes="Talked through workload and the run-up to reports." if pastoral else "",
                ect_reflections=rng.choice(REFLECTIONS), created_by_id=mentorship.mentor.user_id,
                created_at=_moment(met_on, 16),
            )
            plans.append((observation, meeting, step, previous))
            if step is not None:
                previous = step

    ActionStep.objects.bulk_create(steps, batch_size=BATCH_SIZE)
    repeated = []
    for step in steps:
        earlier = getattr(step, "_repeats", None)
        if earlier is not None:
            step.repeats_id = earlier.pk
            repeated.append(step)
    ActionStep.objects.bulk_update(repeated, ["repeats"], batch_size=BATCH_SIZE)
    observations, meetings = [], []
    for observation, meeting, step, previous in plans:
        observations.append(Observation(step_id=previous.pk if previous else None, **observation))
        meetings.append(Meeting(step_id=step.pk if step else None, previous_step_id=previous.pk if previous else None,
                                **meeting))
    Observation.objects.bulk_create(observations, batch_size=BATCH_SIZE)
    Meeting.objects.bulk_create(meetings, batch_size=BATCH_SIZE)
    return {"observations": len(observations), "meetings": len(meetings), "steps": len(steps)}


def _without_history(ects):
    if not ects:
        return []
    ids = {e.pk for e in ects}
    have = set(Meeting.objects.filter(tenant_id=ects[0].tenant_id, ect_id__in=ids).values_list("ect_id", flat=True))
    return [e for e in ects if e.pk not in have]


def _moment(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))
