"""Coaching writes (coaching.services): what is saved, what the ECT is told, and what is
refused with a message a person can act on (nothing written when refused).

Dates are those of tests/coaching/conftest.py. "Today" is Thursday 5 November 2026,
in the own ECT's cycle T9 (2-8 Nov). The ECT has reached M1 (open 2 Sep), M2 (14 Sep)
and M3 (2 Nov) but not M4 (14 Dec); the half-term week 26-30 Oct belongs to the cycle
of 19 Oct (T8).
"""

import datetime as dt

import pytest

from coaching.factories import CoachAssignmentFactory, LocalStepFactory
from coaching.models import ActionStep, Meeting, MentorCoachingSession, Observation, StepProposal
from coaching.services import (
    CoachingError,
    StepChoice,
    add_reflection,
    current_step,
    log_meeting,
    log_mentor_session,
    log_observation,
    propose_step,
    update_meeting,
    update_observation,
)
from participants.factories import MentorAtSchoolFactory, MentorFactory
from participants.services import assign_mentor
from programme.factories import CoachingFocusAreaFactory, ModuleFactory
from schools.models import Role

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 11, 5)
NOW = dt.datetime(2026, 11, 5, 16, 30, tzinfo=dt.timezone.utc)
YEAR_TWO_TODAY = D(2026, 11, 23)


@pytest.fixture
def cw(coaching_world, coaching_today):
    coaching_today(TODAY)
    return coaching_world


def rows():
    return Meeting.objects.count(), ActionStep.objects.count(), Observation.objects.count()


def library(cw, key, index=0):
    return StepChoice(source="library", key=f"L{cw.steps[key][index].pk}")


def own(module, title="Narrate the positive", criteria="Names two pupils doing the right thing\nWarm, calm tone"):
    return StepChoice(source="own", module=module, title=title, criteria=criteria)


def meet(cw, ect, met_on, step=None, *, actor=None, minutes=50, today=TODAY, **kwargs):
    return log_meeting(
        actor=actor or cw.mentor_user, ect=ect, met_on=met_on, minutes=minutes, step=step,
        praise="Pupils were settled within a minute.", today=today, now=NOW, **kwargs,
    )


def observe(cw, ect, observed_on, *, actor=None, minutes=15, today=TODAY, **kwargs):
    kwargs.setdefault("seen", "Pupils started the task straight away.")
    return log_observation(
        actor=actor or cw.mentor_user, ect=ect, observed_on=observed_on, minutes=minutes, mode="in_person",
        today=today, now=NOW, **kwargs,
    )


def refused(call, *args, **kwargs):
    """The CoachingError of a refused call, checking nothing was written."""
    before = rows()
    with pytest.raises(CoachingError) as caught:
        call(*args, **kwargs)
    assert rows() == before
    return caught.value


# --- Observations ------------------------------------------------------------------------------


def test_an_observation_is_saved_once_in_its_cycle(cw, coaching_read):
    ect = coaching_read(cw.ect)
    before = rows()
    observation = observe(cw, ect, D(2026, 11, 3), seen="  Pupils started the task straight away.  ", minutes=15)
    assert rows() == (before[0], before[1], before[2] + 1)
    saved = Observation.objects.get(pk=observation.pk)
    assert saved.cycle_starts_on == D(2026, 11, 2)
    assert saved.mentor == cw.mentor and saved.created_by == cw.mentor_user
    assert (saved.observed_on, saved.minutes) == (D(2026, 11, 3), 15)
    assert saved.seen == "Pupils started the task straight away."
    assert saved.step is None and saved.progress == ""  # no step set yet: nothing to judge


def test_an_observation_records_progress_toward_the_current_step(cw, coaching_read):
    ect = coaching_read(cw.ect)
    meeting = meet(cw, ect, D(2026, 10, 21), own(cw.modules["M1"]))
    error = refused(observe, cw, ect, D(2026, 11, 3))
    assert error.field == "progress"
    assert "Narrate the positive" in str(error)
    observation = observe(cw, ect, D(2026, 11, 3), progress="progressing")
    assert observation.step == meeting.step
    assert Observation.objects.get().progress == "progressing"


def test_a_second_observation_in_a_cycle_is_refused_offering_the_first(cw, coaching_read):
    ect = coaching_read(cw.ect)
    first = observe(cw, ect, D(2026, 11, 2))
    error = refused(observe, cw, ect, D(2026, 11, 4))
    assert error.existing == first
    assert error.field == "observed_on"
    assert str(error) == (
        "An observation is already logged for this cycle (on 2 November 2026): change that one instead."
    )


def test_an_observation_needs_what_was_seen(cw, coaching_read):
    error = refused(observe, cw, coaching_read(cw.ect), D(2026, 11, 3), seen="   ")
    assert error.field == "seen"


@pytest.mark.parametrize("minutes", [-5, 0, 181, 999, None])
def test_an_observation_of_an_absurd_length_is_refused(cw, coaching_read, minutes):
    error = refused(observe, cw, coaching_read(cw.ect), D(2026, 11, 3), minutes=minutes)
    assert error.field == "minutes"


# --- Meetings: the happy path and the e-mail ---------------------------------------------------


def test_a_meeting_with_a_library_step_is_saved_and_the_ect_is_emailed_once_after_commit(
    cw, coaching_read, mailoutbox, django_capture_on_commit_callbacks
):
    ect = coaching_read(cw.ect)
    before = rows()
    chosen = cw.steps["M1"][0]
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meet(cw, ect, D(2026, 11, 4), library(cw, "M1"), modelled=True, practice_rounds=3,
                       instructional_minutes=30)
    assert rows() == (before[0] + 1, before[1] + 1, before[2])
    saved = Meeting.objects.get(pk=meeting.pk)
    assert saved.cycle_starts_on == D(2026, 11, 2)
    assert (saved.minutes, saved.instructional_minutes, saved.modelled, saved.practice_rounds) == (50, 30, True, 3)
    step = saved.step
    assert (step.source, step.library_step, step.module, step.set_on) == (
        ActionStep.Source.LIBRARY, chosen, cw.modules["M1"], D(2026, 11, 4),
    )
    assert step.title == chosen.title and step.criteria == chosen.criteria
    assert step.run == 1 and not step.is_repeat
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [ect.user.email]
    assert f"Your new step: {chosen.title}" in email.subject
    for line in chosen.criteria:
        assert f"- {line}" in email.body
    assert "never used to assess" in email.body


def test_the_email_waits_for_the_commit(cw, coaching_read, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        meet(cw, coaching_read(cw.ect), D(2026, 11, 4), library(cw, "M1"))
    assert mailoutbox == []
    for callback in callbacks:  # the commit
        callback()
    assert len(mailoutbox) == 1


def test_a_refused_meeting_sends_nothing(cw, coaching_read, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refused(meet, cw, coaching_read(cw.ect), D(2026, 11, 4), library(cw, "M4"))
    assert mailoutbox == []


# --- The reached-module rule ----------------------------------------------------------------------


def _allowed_part(error):
    message = str(error)
    marker = "Choose a step from a module reached so far: "
    assert marker in message
    return message.split(marker, 1)[1]


def test_a_library_step_from_a_module_not_reached_is_refused_listing_the_allowed_modules(cw, coaching_read):
    m = cw.modules
    error = refused(meet, cw, coaching_read(cw.ect), D(2026, 11, 4), library(cw, "M4"))
    assert error.field == "step"
    assert str(error).startswith(
        f"{m['M4'].code} Adapting teaching for every pupil has not been reached in the ECT's self-study yet"
    )
    allowed = _allowed_part(error)
    for key in ("M1", "M2", "M3"):
        assert f"{m[key].code} {m[key].title}" in allowed
    assert m["M4"].code not in allowed
    assert m["R"].code not in allowed  # a retrieval week carries no steps


def test_an_own_step_linked_to_a_module_not_reached_is_refused(cw, coaching_read):
    m = cw.modules
    error = refused(meet, cw, coaching_read(cw.ect), D(2026, 11, 4), own(m["M4"]))
    assert error.field == "step"
    allowed = _allowed_part(error)
    assert all(m[key].code in allowed for key in ("M1", "M2", "M3"))
    assert m["M4"].code not in allowed


def test_the_modules_reached_are_those_reached_by_the_meeting_date(cw, coaching_read):
    # M3 opened on 2 November: a meeting logged today for 21 October cannot set a step
    # from it, and the list offers M1 and M2 only.
    m = cw.modules
    error = refused(meet, cw, coaching_read(cw.ect), D(2026, 10, 21), library(cw, "M3"))
    allowed = _allowed_part(error)
    assert m["M1"].code in allowed and m["M2"].code in allowed
    assert m["M3"].code not in allowed.split(".")[0]


def test_a_step_from_an_earlier_reached_module_is_allowed(cw, coaching_read):
    # M3 is this fortnight's module; M1 and M2 were reached before and are still choices.
    ect = coaching_read(cw.ect)
    meeting = meet(cw, ect, D(2026, 11, 4), library(cw, "M1", index=1))
    assert meeting.step.module == cw.modules["M1"]
    assert meeting.step.title == "M1: use a consistent attention signal"
    Meeting.objects.all().delete()
    ActionStep.objects.all().delete()
    meeting = meet(cw, coaching_read(cw.ect), D(2026, 11, 4), own(cw.modules["M2"], title="Model the first step"))
    assert (meeting.step.module, meeting.step.source, meeting.step.strand) == (
        cw.modules["M2"], ActionStep.Source.OWN, cw.modules["M2"].strand,
    )


def test_a_step_from_another_programme_is_refused(cw, coaching_read):
    elsewhere = ModuleFactory(title="Somebody else's module")
    error = refused(meet, cw, coaching_read(cw.ect), D(2026, 11, 4), own(elsewhere))
    assert error.field == "module"
    assert str(error) == "Choose a module of the ECT's programme."


def test_an_own_step_needs_a_title_and_criteria(cw, coaching_read):
    ect = coaching_read(cw.ect)
    assert refused(meet, cw, ect, D(2026, 11, 4), own(cw.modules["M1"], title="  ")).field == "title"
    assert refused(meet, cw, ect, D(2026, 11, 4), own(cw.modules["M1"], criteria="\n  \n")).field == "criteria"
    nine = "\n".join(f"Criterion {n}" for n in range(9))
    assert refused(meet, cw, ect, D(2026, 11, 4), own(cw.modules["M1"], criteria=nine)).field == "criteria"


# --- Repeating a step ----------------------------------------------------------------------------


def test_repeating_the_step_counts_the_run_and_links_the_step_it_repeats(
    cw, coaching_read, mailoutbox, django_capture_on_commit_callbacks
):
    ect = coaching_read(cw.ect)
    first = meet(cw, ect, D(2026, 10, 21), own(cw.modules["M1"]))
    with django_capture_on_commit_callbacks(execute=True):
        second = meet(cw, ect, D(2026, 11, 4), StepChoice(source="repeat"))
    step = second.step
    assert (step.source, step.run, step.repeats, step.title, step.module) == (
        ActionStep.Source.REPEAT, 2, first.step, "Narrate the positive", cw.modules["M1"],
    )
    assert step.criteria == first.step.criteria
    assert second.previous_step == first.step
    assert ActionStep.objects.count() == 2
    assert mailoutbox[-1].subject.endswith("Keep going with your step: Narrate the positive")


def test_repeating_with_no_step_yet_is_refused(cw, coaching_read):
    error = refused(meet, cw, coaching_read(cw.ect), D(2026, 11, 4), StepChoice(source="repeat"))
    assert error.field == "step"
    assert str(error) == "There is no step to repeat yet: choose one from the library or write one."


def test_an_instructional_meeting_must_set_a_step(cw, coaching_read):
    error = refused(meet, cw, coaching_read(cw.ect), D(2026, 11, 4), None)
    assert error.field == "step"


def test_a_pastoral_meeting_without_a_step_keeps_the_current_step(
    cw, coaching_read, mailoutbox, django_capture_on_commit_callbacks
):
    ect = coaching_read(cw.ect)
    first = meet(cw, ect, D(2026, 10, 21), own(cw.modules["M1"]))
    with django_capture_on_commit_callbacks(execute=True):
        pastoral = meet(cw, ect, D(2026, 11, 4), None, kind=Meeting.Kind.PASTORAL,
                        pastoral_notes="Talked through workload before parents' evening.")
    assert pastoral.kind == Meeting.Kind.PASTORAL and pastoral.step is None
    assert pastoral.previous_step == first.step
    assert ActionStep.objects.count() == 1
    assert current_step(ect) == first.step
    assert mailoutbox == []  # no new step to tell the ECT about


# --- Dates ----------------------------------------------------------------------------------------


def test_a_meeting_dated_in_the_future_is_refused(cw, coaching_read):
    error = refused(meet, cw, coaching_read(cw.ect), D(2026, 11, 6), library(cw, "M1"))
    assert error.field == "met_on"
    assert str(error) == "The coaching meeting date 6 November 2026 is in the future: log it on the day or after it."


def test_a_meeting_in_half_term_belongs_to_the_cycle_before(cw, coaching_read):
    ect = coaching_read(cw.ect)
    meeting = meet(cw, ect, D(2026, 10, 28), library(cw, "M1"))  # Wednesday of half-term
    assert meeting.cycle_starts_on == D(2026, 10, 19)
    # So a meeting on the Tuesday before half-term is a second one in that cycle.
    error = refused(meet, cw, ect, D(2026, 10, 20), library(cw, "M2"))
    assert error.existing == meeting


def test_a_second_meeting_in_a_cycle_is_refused_offering_the_first(cw, coaching_read):
    ect = coaching_read(cw.ect)
    first = meet(cw, ect, D(2026, 11, 3), library(cw, "M1"))
    error = refused(meet, cw, ect, D(2026, 11, 5), library(cw, "M2"))
    assert error.existing == first
    assert error.field == "met_on"
    assert str(error) == (
        "A coaching meeting is already logged for this cycle (on 3 November 2026): change that one instead."
    )


@pytest.fixture
def new_mentor(cw, coaching_read):
    """A second mentor of school A1, who takes over the own ECT from Monday 19 October."""
    world = cw.world
    mentor = MentorFactory(tenant=world.tenant_a, user__full_name="Nia New-Mentor")
    MentorAtSchoolFactory(school=world.school_a1, mentor=mentor, started_on=D(2026, 9, 1))
    assign_mentor(actor=world.people[Role.INDUCTION_TUTOR], ect=cw.ect, mentor=mentor, starts_on=D(2026, 10, 19))
    return mentor


def test_a_meeting_before_the_mentorship_began_is_refused(cw, coaching_read, new_mentor):
    ect = coaching_read(cw.ect)
    error = refused(meet, cw, ect, D(2026, 10, 14), library(cw, "M1"), actor=new_mentor.user)
    assert error.field == "met_on"
    assert str(error) == (
        "You began mentoring A Early career teacher on 19 October 2026: a coaching meeting on 14 October 2026 "
        "is before that. Check the date."
    )
    # From the day they began, the new mentor logs as any mentor does.
    assert meet(cw, ect, D(2026, 10, 19), library(cw, "M1"), actor=new_mentor.user).mentor == new_mentor


def test_the_former_mentor_can_no_longer_log(cw, coaching_read, new_mentor):
    ect = coaching_read(cw.ect)
    for day in (D(2026, 11, 4), D(2026, 10, 14)):  # now, and when they were the mentor
        error = refused(meet, cw, ect, day, library(cw, "M1"), actor=cw.mentor_user)
        assert str(error) == "Only the ECT's current mentor can log their coaching."
    refused(observe, cw, ect, D(2026, 11, 4), actor=cw.mentor_user)


@pytest.mark.parametrize("who", ["another mentor", "induction tutor", "the ECT", "other tenant's mentor"])
def test_someone_who_is_not_the_ects_mentor_now_cannot_log(cw, coaching_read, who):
    world = cw.world
    actor = {
        "another mentor": lambda: MentorFactory(tenant=world.tenant_a).user,
        "induction tutor": lambda: world.people[Role.INDUCTION_TUTOR],
        "the ECT": lambda: world.people[Role.ECT],
        "other tenant's mentor": lambda: world.outsiders[Role.MENTOR],
    }[who]()
    ect = coaching_read(cw.ect)
    error = refused(meet, cw, ect, D(2026, 11, 4), library(cw, "M1"), actor=actor)
    assert str(error) == "Only the ECT's current mentor can log their coaching."
    refused(observe, cw, ect, D(2026, 11, 4), actor=actor)


def test_a_meeting_outside_the_coaching_cycles_is_refused(two_year_ect, coaching_today, coaching_read):
    # The year-2 ECT's year 1 ended with the cycle of 13 July 2026; the week of 20 July
    # was left free and year 2 began on 31 August: 22 July holds no cycle.
    coaching_today(YEAR_TWO_TODAY)
    ect = coaching_read(two_year_ect.ect)
    for day in (D(2026, 7, 22), D(2026, 8, 12)):
        with pytest.raises(CoachingError) as caught:
            log_meeting(actor=two_year_ect.mentor_user, ect=ect, met_on=day, minutes=50,
                        step=own(two_year_ect.modules["Y1"]),
                        today=YEAR_TWO_TODAY)
        assert caught.value.field == "met_on"
        assert "falls outside the coaching cycles" in str(caught.value)
    assert Meeting.objects.count() == 0


# --- Lengths and parts ------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [-5, 0, 241, 999, None])
def test_a_meeting_of_an_absurd_length_is_refused(cw, coaching_read, minutes):
    error = refused(meet, cw, coaching_read(cw.ect), D(2026, 11, 4), library(cw, "M1"), minutes=minutes)
    assert error.field == "minutes"


def test_a_short_meeting_is_allowed(cw, coaching_read):
    meeting = meet(cw, coaching_read(cw.ect), D(2026, 11, 4), library(cw, "M1"), minutes=20)
    assert Meeting.objects.get(pk=meeting.pk).minutes == 20


def test_the_instructional_part_cannot_be_longer_than_the_meeting(cw, coaching_read):
    error = refused(meet, cw, coaching_read(cw.ect), D(2026, 11, 4), library(cw, "M1"), minutes=45,
                    instructional_minutes=46)
    assert error.field == "instructional_minutes"
    assert "(45 minutes)" in str(error)


def test_more_than_twenty_practice_rounds_is_refused(cw, coaching_read):
    ect = coaching_read(cw.ect)
    error = refused(meet, cw, ect, D(2026, 11, 4), library(cw, "M1"), practice_rounds=21)
    assert error.field == "practice_rounds"
    assert meet(cw, ect, D(2026, 11, 4), library(cw, "M1"), practice_rounds=20).practice_rounds == 20


# --- Changing a log ---------------------------------------------------------------------------------


def test_the_author_can_correct_an_observation_within_the_window_and_the_history_is_kept(cw, coaching_read):
    ect = coaching_read(cw.ect)
    observation = observe(cw, ect, D(2026, 11, 3))
    versions = observation.history.count()
    update_observation(
        actor=cw.mentor_user, observation=observation, observed_on=D(2026, 11, 4), minutes=20, mode="video",
        seen="Most pupils started at once; two needed a second prompt.", today=D(2026, 11, 11),
        now=NOW + dt.timedelta(days=6),
    )
    saved = Observation.objects.get(pk=observation.pk)
    assert (saved.observed_on, saved.minutes, saved.mode) == (D(2026, 11, 4), 20, "video")
    assert saved.seen == "Most pupils started at once; two needed a second prompt."
    assert saved.history.count() == versions + 1
    assert saved.history.earliest().minutes == 15


def _update_observation(cw, observation, actor, now):
    return update_observation(
        actor=actor, observation=observation, observed_on=D(2026, 11, 3), minutes=25, mode="in_person",
        seen="Changed.", today=now.date(), now=now,
    )


def test_nobody_else_can_correct_an_observation(cw, coaching_read):
    observation = observe(cw, coaching_read(cw.ect), D(2026, 11, 3))
    error = refused(_update_observation, cw, observation, cw.world.people[Role.INDUCTION_TUTOR], NOW)
    assert str(error) == "Only the mentor who logged this observation can change it."
    assert Observation.objects.get().minutes == 15


def test_an_observation_is_kept_as_it_is_after_the_window(cw, coaching_read):
    observation = observe(cw, coaching_read(cw.ect), D(2026, 11, 3))
    versions = observation.history.count()
    error = refused(_update_observation, cw, observation, cw.mentor_user, NOW + dt.timedelta(days=8))
    assert "it can be changed for 7 days and is now kept as it is" in str(error)
    assert Observation.objects.get().minutes == 15
    assert observation.history.count() == versions


def _update_meeting(meeting, actor, now, **kwargs):
    kwargs.setdefault("met_on", meeting.met_on)
    return update_meeting(
        actor=actor, meeting=meeting, minutes=55, kind=meeting.kind, praise="Calmer start.",
        today=now.date(), now=now, **kwargs,
    )


def test_the_author_can_correct_a_meeting_and_its_step_within_the_window(cw, coaching_read):
    meeting = meet(cw, coaching_read(cw.ect), D(2026, 11, 4), library(cw, "M1"))
    step_versions, meeting_versions = meeting.step.history.count(), meeting.history.count()
    _update_meeting(meeting, cw.mentor_user, NOW + dt.timedelta(days=2),
                    step=own(cw.modules["M2"], title="Model the first step"))
    saved = Meeting.objects.get(pk=meeting.pk)
    assert (saved.minutes, saved.praise) == (55, "Calmer start.")
    assert (saved.step.title, saved.step.module, saved.step.source) == (
        "Model the first step", cw.modules["M2"], ActionStep.Source.OWN,
    )
    assert ActionStep.objects.count() == 1  # the same step, corrected
    assert saved.history.count() == meeting_versions + 1
    assert saved.step.history.count() == step_versions + 1


def test_correcting_a_meetings_date_moves_the_date_its_step_was_set(cw, coaching_read):
    ect = coaching_read(cw.ect)
    meeting = meet(cw, ect, D(2026, 11, 4), library(cw, "M1"))
    _update_meeting(meeting, cw.mentor_user, NOW, met_on=D(2026, 11, 2))
    assert ActionStep.objects.get().set_on == D(2026, 11, 2)
    # So an observation on 3 November is of that step.
    assert observe(cw, ect, D(2026, 11, 3), progress="secure").step == meeting.step


def test_a_meetings_step_cannot_change_once_a_later_meeting_set_a_newer_one(cw, coaching_read):
    ect = coaching_read(cw.ect)
    first = meet(cw, ect, D(2026, 10, 21), library(cw, "M1"))
    meet(cw, ect, D(2026, 11, 4), library(cw, "M2"))
    error = refused(_update_meeting, first, cw.mentor_user, NOW, step=own(cw.modules["M1"], title="Another"))
    assert error.field == "step"
    assert str(error) == "A later meeting has set a newer step, so this meeting's step is kept as it was."
    assert ActionStep.objects.get(pk=first.step_id).title == cw.steps["M1"][0].title
    # The rest of the meeting can still be corrected.
    _update_meeting(first, cw.mentor_user, NOW)
    assert Meeting.objects.get(pk=first.pk).minutes == 55


def test_a_meeting_cannot_be_changed_by_someone_else_or_after_the_window(cw, coaching_read):
    meeting = meet(cw, coaching_read(cw.ect), D(2026, 11, 4), library(cw, "M1"))
    error = refused(_update_meeting, meeting, cw.world.people[Role.INDUCTION_TUTOR], NOW)
    assert str(error) == "Only the mentor who logged this coaching meeting can change it."
    error = refused(_update_meeting, meeting, cw.mentor_user, NOW + dt.timedelta(days=7, minutes=1))
    assert "is now kept as it is" in str(error)
    assert Meeting.objects.get().minutes == 50


def test_a_meeting_moved_into_a_cycle_that_has_one_is_refused(cw, coaching_read):
    ect = coaching_read(cw.ect)
    first = meet(cw, ect, D(2026, 10, 21), library(cw, "M1"))
    second = meet(cw, ect, D(2026, 11, 4), library(cw, "M2"))
    error = refused(_update_meeting, second, cw.mentor_user, NOW, met_on=D(2026, 10, 22))
    assert error.existing == first
    assert Meeting.objects.get(pk=second.pk).met_on == D(2026, 11, 4)


def test_only_the_ect_adds_reflections(cw, coaching_read):
    meeting = meet(cw, coaching_read(cw.ect), D(2026, 11, 4), library(cw, "M1"))
    ect_user = cw.world.people[Role.ECT]
    add_reflection(actor=ect_user, meeting=meeting, text="  Waiting in silence felt long but it worked.  ")
    assert Meeting.objects.get().ect_reflections == "Waiting in silence felt long but it worked."
    for actor in (cw.mentor_user, cw.world.people[Role.INDUCTION_TUTOR]):
        with pytest.raises(CoachingError, match="Only the ECT can add their reflections"):
            add_reflection(actor=actor, meeting=meeting, text="Not theirs to write.")
    with pytest.raises(CoachingError, match="2,000 characters"):
        add_reflection(actor=ect_user, meeting=meeting, text="x" * 2001)
    assert Meeting.objects.get().ect_reflections == "Waiting in silence felt long but it worked."


# --- Year 2: the ECT proposes ------------------------------------------------------------------------


def test_proposing_a_step_is_refused_in_year_one(cw, coaching_read):
    ect = coaching_read(cw.ect)
    with pytest.raises(CoachingError) as caught:
        propose_step(actor=cw.world.people[Role.ECT], ect=ect, step=library(cw, "M1"), today=TODAY)
    assert str(caught.value) == "Proposing your own step opens in year 2: until then your mentor sets your step."
    assert StepProposal.objects.count() == 0


@pytest.fixture
def year_two(two_year_ect, coaching_today, coaching_read):
    coaching_today(YEAR_TWO_TODAY)
    two_year_ect.ect = coaching_read(two_year_ect.ect)
    return two_year_ect


def _library_of(year_two, key):
    return year_two.modules[key].library_steps.get()


def test_a_year_two_ect_proposes_a_library_step(year_two):
    chosen = _library_of(year_two, "Y2B")
    proposal = propose_step(actor=year_two.ect.user, ect=year_two.ect,
                            step=StepChoice(source="library", key=f"L{chosen.pk}"),
                            why="My questions only reach the confident pupils.", today=YEAR_TWO_TODAY)
    saved = StepProposal.objects.get()
    assert saved == proposal
    assert (saved.state, saved.module, saved.title, saved.library_step) == (
        StepProposal.State.OPEN, year_two.modules["Y2B"], chosen.title, chosen,
    )
    assert saved.why == "My questions only reach the confident pupils."


def test_a_year_two_proposal_from_a_module_not_reached_is_refused(year_two):
    m = year_two.modules
    with pytest.raises(CoachingError) as caught:
        propose_step(actor=year_two.ect.user, ect=year_two.ect,
                     step=own(m["Y2C"], title="Plan a hinge question", criteria="Four options"),
                     today=YEAR_TWO_TODAY)
    allowed = _allowed_part(caught.value)
    assert all(m[key].code in allowed for key in ("Y1", "Y2A", "Y2B"))
    assert m["Y2C"].code not in allowed
    assert StepProposal.objects.count() == 0


def test_a_year_two_library_proposal_from_a_module_not_reached_names_the_allowed_modules(year_two):
    # Y2C opens on 30 November: its library step is not "unknown", it is not reached yet.
    m = year_two.modules
    with pytest.raises(CoachingError) as caught:
        propose_step(actor=year_two.ect.user, ect=year_two.ect,
                     step=StepChoice(source="library", key=f"L{_library_of(year_two, 'Y2C').pk}"), today=YEAR_TWO_TODAY)
    assert str(caught.value).startswith(f"{m['Y2C'].code} Two-year module Y2C has not been reached")
    allowed = _allowed_part(caught.value)
    assert all(m[key].code in allowed for key in ("Y1", "Y2A", "Y2B"))
    assert StepProposal.objects.count() == 0


def test_only_the_ect_proposes_their_step(year_two):
    with pytest.raises(CoachingError, match="Only the ECT can propose their own step"):
        propose_step(actor=year_two.mentor_user, ect=year_two.ect,
                     step=StepChoice(source="library", key=f"L{_library_of(year_two, 'Y2B').pk}"), today=YEAR_TWO_TODAY)
    assert StepProposal.objects.count() == 0


def _propose(year_two, key="Y2B"):
    chosen = _library_of(year_two, key)
    return propose_step(actor=year_two.ect.user, ect=year_two.ect,
                        step=StepChoice(source="library", key=f"L{chosen.pk}"), today=YEAR_TWO_TODAY)


def _meet_year_two(year_two, step):
    return log_meeting(actor=year_two.mentor_user, ect=year_two.ect, met_on=YEAR_TWO_TODAY, minutes=50, step=step,
                       praise="Good.", today=YEAR_TWO_TODAY)


def test_the_mentor_accepts_the_proposal_as_it_is(year_two):
    proposal = _propose(year_two)
    meeting = _meet_year_two(year_two, StepChoice(source="proposal"))
    proposal.refresh_from_db()
    assert proposal.state == StepProposal.State.ACCEPTED
    assert proposal.step == meeting.step
    assert (meeting.step.source, meeting.step.title, meeting.step.library_step_id) == (
        ActionStep.Source.PROPOSAL, proposal.title, proposal.library_step_id,
    )
    assert meeting.cycle_starts_on == D(2026, 11, 16)  # year 2: the fortnight of 16 and 23 November


def test_the_mentor_edits_the_proposal(year_two):
    proposal = _propose(year_two)
    edited = StepChoice(source="own", key="from-proposal", module=year_two.modules["Y2B"],
                        title="Cold call three pupils after the pause",
                        criteria="Waits three seconds\nNames after asking")
    meeting = _meet_year_two(year_two, edited)
    proposal.refresh_from_db()
    assert proposal.state == StepProposal.State.EDITED
    assert proposal.step == meeting.step
    assert (meeting.step.source, meeting.step.title) == (
        ActionStep.Source.PROPOSAL_EDITED, "Cold call three pupils after the pause",
    )


def test_a_meeting_that_sets_another_step_leaves_the_proposal_waiting(year_two):
    _propose(year_two)
    _meet_year_two(year_two, StepChoice(source="own", module=year_two.modules["Y2A"], title="Something else",
                                        criteria="One"))
    assert StepProposal.objects.get().state == StepProposal.State.OPEN


def test_accepting_a_proposal_when_there_is_none_is_refused(year_two):
    with pytest.raises(CoachingError, match="no step proposal waiting"):
        _meet_year_two(year_two, StepChoice(source="proposal"))
    assert (Meeting.objects.count(), ActionStep.objects.count()) == (0, 0)


# --- Coaching for mentors --------------------------------------------------------------------------


@pytest.fixture
def coach_of_mentor(cw):
    """A1's mentor is coached by tenant A's coach from 1 September 2026; their
    mentor programme has two focus areas."""
    coach = cw.world.people[Role.COACH]
    CoachAssignmentFactory(tenant=cw.tenant, coach=coach, mentor=cw.mentor, started_on=D(2026, 9, 1))
    programme = cw.mentor.cohort.mentor_programme
    areas = [
        CoachingFocusAreaFactory(programme=programme, code="selecting-steps", title="Selecting steps", order=1),
        CoachingFocusAreaFactory(programme=programme, code="deliberate-practice", title="Deliberate practice", order=2),
    ]
    return coach, areas


def _session(cw, actor, focus_area, *, held_on=D(2026, 11, 2), next_step="Choose next week's step from M2."):
    return log_mentor_session(actor=actor, mentor=cw.mentor, held_on=held_on, minutes=60, focus_area=focus_area,
                              next_step=next_step, notes=" Looked at the last three steps. ", today=TODAY, now=NOW)


def test_a_coach_logs_a_session_with_a_mentor_they_coach(cw, coach_of_mentor):
    coach, areas = coach_of_mentor
    _session(cw, coach, areas[1])
    saved = MentorCoachingSession.objects.get()
    assert (saved.coach, saved.mentor, saved.focus_area, saved.held_on) == (coach, cw.mentor, areas[1], D(2026, 11, 2))
    assert (saved.notes, saved.next_step) == ("Looked at the last three steps.", "Choose next week's step from M2.")


def test_a_coach_not_assigned_to_the_mentor_cannot_log(cw, coach_of_mentor):
    _, areas = coach_of_mentor
    others = [cw.world.outsiders[Role.COACH], cw.world.people[Role.INDUCTION_TUTOR], cw.mentor_user]
    ended = CoachAssignmentFactory(tenant=cw.tenant, mentor=cw.mentor, started_on=D(2026, 9, 1),
                                   ended_on=D(2026, 10, 30))
    for actor in [*others, ended.coach]:
        with pytest.raises(CoachingError, match="only with the mentors you coach"):
            _session(cw, actor, areas[0])
    assert MentorCoachingSession.objects.count() == 0


def test_a_session_in_the_future_or_before_coaching_began_is_refused(cw, coach_of_mentor):
    coach, areas = coach_of_mentor
    with pytest.raises(CoachingError) as caught:
        _session(cw, coach, areas[0], held_on=D(2026, 11, 6))
    assert caught.value.field == "held_on" and "is in the future" in str(caught.value)
    with pytest.raises(CoachingError) as caught:
        _session(cw, coach, areas[0], held_on=D(2026, 8, 28))
    assert caught.value.field == "held_on" and "1 September 2026" in str(caught.value)
    assert MentorCoachingSession.objects.count() == 0


def test_a_session_needs_the_mentors_next_step(cw, coach_of_mentor):
    coach, areas = coach_of_mentor
    with pytest.raises(CoachingError) as caught:
        _session(cw, coach, areas[0], next_step="   ")
    assert caught.value.field == "next_step"
    assert MentorCoachingSession.objects.count() == 0


def test_a_session_focus_comes_from_the_mentors_own_programme(cw, coach_of_mentor):
    coach, _ = coach_of_mentor
    elsewhere = CoachingFocusAreaFactory(code="analysing-the-gap", title="Analysing the gap")  # another programme
    for area in (elsewhere, None):
        with pytest.raises(CoachingError) as caught:
            _session(cw, coach, area)
        assert caught.value.field == "focus_area"
    assert MentorCoachingSession.objects.count() == 0


def test_a_local_step_is_a_choice_in_a_meeting(cw, coaching_read):
    # The delivery partner's own step for M2 is offered under its key "T<id>".
    local = LocalStepFactory(tenant=cw.tenant, module=cw.modules["M2"], title="Use the school's 3-2-1 countdown")
    meeting = meet(cw, coaching_read(cw.ect), D(2026, 11, 4), StepChoice(source="library", key=f"T{local.pk}"))
    assert (meeting.step.title, meeting.step.local_step, meeting.step.library_step) == (
        "Use the school's 3-2-1 countdown", local, None,
    )
    other_tenant = LocalStepFactory(tenant=cw.world.tenant_b, module=cw.modules["M2"])
    error = refused(meet, cw, coaching_read(cw.ect), D(2026, 10, 28),
                    StepChoice(source="library", key=f"T{other_tenant.pk}"))
    assert error.field == "library_step"
