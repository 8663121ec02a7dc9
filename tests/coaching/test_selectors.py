"""What the induction tutor sees of each ECT's coaching (coaching.selectors.coaching_states):
each cycle done, missed, mentor away or without a mentor; the counts; and the quality
flags (a step repeated three times in a row, a short meeting, a step from a module the
ECT had not reached, cycles missed).

The dates are those of tests/coaching/conftest.py: the own ECT's weekly cycles start on
T1 31 Aug, T2 7 Sep, T3 14 Sep, T4 21 Sep, T5 28 Sep, T6 5 Oct, T7 12 Oct, T8 19 Oct 2026.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coaching.cycles import cycle_on
from coaching.factories import ActionStepFactory, MeetingFactory, ObservationFactory
from coaching.selectors import (
    MEETING_MINUTES_EXPECTED,
    REPEAT_FLAG_AT,
    CycleStatus,
    coaching_states,
    ect_cycles,
    with_coaching_facts,
)
from coaching.services import StepChoice, log_meeting
from ectalign.caching import forget_everything
from participants.factories import MentorAbsenceFactory, PauseFactory
from participants.models import ECT, ECTAtSchool, Mentor, MentorAtSchool, Mentorship
from schools.factories import MembershipFactory
from schools.models import Role

pytestmark = pytest.mark.django_db

D = dt.date
DONE, MISSED, CURRENT = CycleStatus.DONE, CycleStatus.MISSED, CycleStatus.CURRENT
AWAY, NO_MENTOR = CycleStatus.MENTOR_AWAY, CycleStatus.NO_MENTOR


def state_of(ect, on):
    ect = with_coaching_facts(ECT.objects.filter(pk=ect.pk)).get()
    return coaching_states([ect], on=on)[ect.pk]


def statuses(state):
    return [(s.cycle.starts_on, s.status) for s in state.states]


def meeting(cw, met_on, minutes=50, **kwargs):
    ect = with_coaching_facts(ECT.objects.filter(pk=cw.ect.pk)).get()
    cycle = cycle_on(ect_cycles([ect], on=met_on)[ect.pk], met_on)
    return MeetingFactory(
        tenant=cw.tenant, ect=cw.ect, mentor=cw.mentor, cycle_starts_on=cycle.starts_on, met_on=met_on,
        minutes=minutes, **kwargs,
    )


def flag_codes(state):
    return [f.code for f in state.flags]


def flag(state, code):
    return next(f for f in state.flags if f.code == code)


# --- Done, missed, current -------------------------------------------------------------------


def test_cycles_with_a_meeting_are_done_and_past_ones_without_are_missed(coaching_world):
    cw = coaching_world
    for day in (D(2026, 9, 3), D(2026, 9, 10), D(2026, 10, 1)):  # in T1, T2 and T5
        meeting(cw, day)
    ObservationFactory(tenant=cw.tenant, ect=cw.ect, mentor=cw.mentor, cycle_starts_on=D(2026, 10, 19),
                       observed_on=D(2026, 10, 20))
    state = state_of(cw.ect, D(2026, 10, 21))  # Wednesday of T8
    assert statuses(state) == [
        (D(2026, 8, 31), DONE), (D(2026, 9, 7), DONE), (D(2026, 9, 14), MISSED), (D(2026, 9, 21), MISSED),
        (D(2026, 9, 28), DONE), (D(2026, 10, 5), MISSED), (D(2026, 10, 12), MISSED), (D(2026, 10, 19), CURRENT),
    ]
    # This cycle: observed, no meeting yet, and not counted as missed.
    assert state.current.cycle.starts_on == D(2026, 10, 19)
    assert state.current.observed and not state.current.met
    # Seven cycles are over (T1-T7), three had a meeting.
    assert (state.expected, state.logged, state.missed, state.missed_in_a_row) == (7, 3, 4, 2)
    missed = flag(state, "missed")
    assert missed.level == "red"
    assert missed.text == "No coaching meeting logged for 2 cycles in a row"
    assert state.level == "red"
    assert state.cadence == "weekly"


def test_a_meeting_this_cycle_makes_it_done_and_clears_the_missed_flag(coaching_world):
    cw = coaching_world
    meeting(cw, D(2026, 10, 14))  # T7
    state = state_of(cw.ect, D(2026, 10, 14))
    assert state.current.status == DONE
    # T1-T6 were missed: six in a row before this cycle's meeting.
    assert state.missed_in_a_row == 0
    assert "missed" not in flag_codes(state)
    assert (state.expected, state.logged) == (6, 0)  # the current cycle is not counted yet


def test_one_missed_cycle_is_an_amber_flag_naming_the_cycle(coaching_world):
    cw = coaching_world
    for day in (D(2026, 9, 3), D(2026, 9, 10), D(2026, 9, 17), D(2026, 9, 24), D(2026, 10, 1)):
        meeting(cw, day)
    state = state_of(cw.ect, D(2026, 10, 13))  # T7; T6 (5 Oct) had no meeting
    assert state.missed_in_a_row == 1
    missed = flag(state, "missed")
    assert missed.level == "amber"
    assert missed.text == "No coaching meeting logged for the cycle starting 5 October 2026"


def test_a_cycle_is_not_started_before_its_monday(coaching_world):
    state = state_of(coaching_world.ect, D(2026, 9, 1))
    assert [s.cycle.starts_on for s in state.states] == [D(2026, 8, 31)]
    assert state.current.status == CURRENT
    assert (state.expected, state.logged) == (0, 0)
    assert state.flags == []


# --- Mentor away, no mentor ------------------------------------------------------------------


def test_cycles_when_the_mentor_was_away_every_teaching_day_are_not_missed(coaching_world):
    cw = coaching_world
    # Away Monday 21 September to Friday 2 October: every teaching day of T4 and T5.
    MentorAbsenceFactory(tenant=cw.tenant, mentor=cw.mentor, started_on=D(2026, 9, 21), ended_on=D(2026, 10, 2))
    for day in (D(2026, 9, 3), D(2026, 9, 10), D(2026, 9, 17)):
        meeting(cw, day)
    state = state_of(cw.ect, D(2026, 10, 14))
    assert statuses(state)[3:] == [
        (D(2026, 9, 21), AWAY), (D(2026, 9, 28), AWAY), (D(2026, 10, 5), MISSED), (D(2026, 10, 12), CURRENT),
    ]
    assert state.states[3].label == "Mentor away"
    # Over: T1-T6; expected where the mentor was there: T1, T2, T3, T6.
    assert (state.expected, state.logged, state.missed, state.missed_in_a_row) == (4, 3, 1, 1)


def test_a_mentor_away_for_part_of_a_cycle_could_still_have_met(coaching_world):
    cw = coaching_world
    # Away Monday 21 to Wednesday 23 September: Thursday and Friday of T4 were there.
    MentorAbsenceFactory(tenant=cw.tenant, mentor=cw.mentor, started_on=D(2026, 9, 21), ended_on=D(2026, 9, 23))
    state = state_of(cw.ect, D(2026, 9, 30))
    assert statuses(state)[3] == (D(2026, 9, 21), MISSED)


def test_missed_cycles_in_a_row_skip_the_mentors_absence(coaching_world):
    cw = coaching_world
    MentorAbsenceFactory(tenant=cw.tenant, mentor=cw.mentor, started_on=D(2026, 9, 21), ended_on=D(2026, 10, 2))
    for day in (D(2026, 9, 3), D(2026, 9, 10)):
        meeting(cw, day)
    state = state_of(cw.ect, D(2026, 10, 14))
    # T3 missed, T4-T5 away, T6 missed: two missed in a row around the absence.
    assert state.missed_in_a_row == 2
    assert flag(state, "missed").level == "red"


def test_cycles_before_any_mentor_are_no_mentor_and_not_expected(coaching_world):
    world = coaching_world.world
    sibling = world.ects["sibling"]  # the ECT of school A2, with no mentor yet
    state = state_of(sibling, D(2026, 10, 21))
    assert {s.status for s in state.states[:-1]} == {NO_MENTOR}
    assert state.states[0].label == "No mentor"
    assert (state.expected, state.missed, state.missed_in_a_row) == (0, 0, 0)
    assert "missed" not in flag_codes(state)
    # A mentor from Wednesday 7 October (T6): T1-T5 stay without a mentor; the cycles
    # from T6 on are expected.
    mentor_user = MembershipFactory(tenant=world.tenant_a, school=world.school_a2, role=Role.MENTOR).user
    mentor = Mentor.objects.create(tenant=world.tenant_a, user=mentor_user)
    MentorAtSchool.objects.create(
        tenant=world.tenant_a, mentor=mentor, school=world.school_a2, started_on=D(2026, 9, 1)
    )
    Mentorship.objects.create(tenant=world.tenant_a, ect=sibling, mentor=mentor, started_on=D(2026, 10, 7))
    state = state_of(sibling, D(2026, 10, 21))
    assert [s.status for s in state.states] == [NO_MENTOR] * 5 + [MISSED, MISSED, CURRENT]
    assert state.states[5].mentorship.mentor == mentor
    assert (state.expected, state.missed_in_a_row) == (2, 2)


def test_the_ects_own_absence_holds_no_cycle_and_is_not_missed(coaching_world):
    cw = coaching_world
    # The ECT is off sick Monday 21 September to Friday 2 October (T4 and T5): those
    # weeks are not cycles, so the cycle after T3 starts on 5 October.
    PauseFactory(tenant=cw.tenant, ect=cw.ect, starts_on=D(2026, 9, 21), ends_on=D(2026, 10, 2))
    for day in (D(2026, 9, 3), D(2026, 9, 10), D(2026, 9, 17)):
        meeting(cw, day)
    state = state_of(cw.ect, D(2026, 10, 7))
    assert statuses(state) == [
        (D(2026, 8, 31), DONE), (D(2026, 9, 7), DONE), (D(2026, 9, 14), DONE), (D(2026, 10, 5), CURRENT),
    ]
    assert (state.expected, state.missed) == (3, 0)


# --- The current step and its flags -----------------------------------------------------------


def log(cw, met_on, step, minutes=50):
    return log_meeting(actor=cw.mentor_user, ect=cw.ect, met_on=met_on, minutes=minutes, step=step,
                       praise="Clear routines.", today=D(2026, 11, 20))


def own_step(cw, title="Narrate the positive"):
    return StepChoice(source="own", module=cw.modules["M1"], title=title,
                      criteria="Names two pupils doing the right thing\nWarm, calm tone")


def test_the_repeat_flag_appears_at_three_meetings_in_a_row_with_the_same_step(coaching_world):
    cw = coaching_world
    assert REPEAT_FLAG_AT == 3
    log(cw, D(2026, 10, 1), own_step(cw))  # T5: set
    log(cw, D(2026, 10, 8), StepChoice(source="repeat"))  # T6: the second time
    state = state_of(cw.ect, D(2026, 10, 9))
    assert state.step.run == 2
    assert "repeat" not in flag_codes(state)
    log(cw, D(2026, 10, 15), StepChoice(source="repeat"))  # T7: the third time
    state = state_of(cw.ect, D(2026, 10, 16))
    assert state.step.run == 3
    repeat = flag(state, "repeat")
    assert repeat.level == "amber"
    assert repeat.text == "Step set 3 times in a row: “Narrate the positive”"
    # Moving on to a new step clears it.
    log(cw, D(2026, 10, 22), own_step(cw, title="Hold the silence before speaking"))
    state = state_of(cw.ect, D(2026, 10, 23))
    assert "repeat" not in flag_codes(state)
    assert state.step.title == "Hold the silence before speaking"


def test_a_step_repeated_twice_in_two_runs_is_not_flagged(coaching_world):
    cw = coaching_world
    log(cw, D(2026, 10, 1), own_step(cw))
    log(cw, D(2026, 10, 8), StepChoice(source="repeat"))
    log(cw, D(2026, 10, 15), own_step(cw, title="Something else for a week"))
    log(cw, D(2026, 10, 22), own_step(cw))  # the first title again, but as a new step
    state = state_of(cw.ect, D(2026, 10, 23))
    assert state.step.run == 1
    assert "repeat" not in flag_codes(state)


def test_a_last_meeting_under_45_minutes_is_flagged(coaching_world):
    cw = coaching_world
    assert MEETING_MINUTES_EXPECTED == 45
    meeting(cw, D(2026, 10, 1), minutes=30)
    meeting(cw, D(2026, 10, 8), minutes=44)
    state = state_of(cw.ect, D(2026, 10, 9))
    short = flag(state, "short_meeting")
    assert short.level == "amber"
    assert short.text == "Last coaching meeting lasted 44 minutes (45 expected)"
    assert state.short_meetings == 2
    meeting(cw, D(2026, 10, 15), minutes=45)
    state = state_of(cw.ect, D(2026, 10, 16))
    assert "short_meeting" not in flag_codes(state)
    assert state.short_meetings == 2  # still counted for the record
    assert state.last_meeting["minutes"] == 45


def test_a_step_from_a_module_the_ect_had_not_reached_is_flagged(coaching_world):
    cw = coaching_world
    # M3 opens on Monday 2 November; a step from it set on 14 October (the service
    # refuses this, so it is written directly, as an import or old data could).
    ActionStepFactory(tenant=cw.tenant, ect=cw.ect, module=cw.modules["M3"], set_on=D(2026, 10, 14),
                      set_by=cw.mentor_user, title="Ask, pause, then name")
    state = state_of(cw.ect, D(2026, 10, 21))
    unreached = flag(state, "unreached")
    assert unreached.level == "red"
    assert unreached.text == (
        f"Step from {cw.modules['M3'].code} Questioning to check understanding, which the ECT does not reach "
        "in self-study until 2 November 2026"
    )
    assert state.level == "red"


def test_a_step_from_a_reached_module_is_not_flagged(coaching_world):
    cw = coaching_world
    ActionStepFactory(tenant=cw.tenant, ect=cw.ect, module=cw.modules["M2"], set_on=D(2026, 10, 14),
                      set_by=cw.mentor_user)
    ActionStepFactory(tenant=cw.tenant, ect=cw.ect, module=cw.modules["M3"], set_on=D(2026, 11, 3),
                      set_by=cw.mentor_user)
    assert "unreached" not in flag_codes(state_of(cw.ect, D(2026, 10, 21)))
    # The M3 step set on 3 November (after M3 opened on the 2nd) is the current one now.
    later = state_of(cw.ect, D(2026, 11, 4))
    assert later.step.module == cw.modules["M3"]
    assert later.step_days == 1
    assert "unreached" not in flag_codes(later)


# --- Query count -------------------------------------------------------------------------------


def _ects_like_the_own_one(cw, count):
    world = cw.world
    own = cw.ect
    ids = []
    for n in range(count):
        user = MembershipFactory(tenant=world.tenant_a, school=world.school_a1, role=Role.ECT).user
        start = own.induction_start + dt.timedelta(days=n % 3)
        ect = ECT.objects.create(tenant=world.tenant_a, user=user, induction_start=start, cohort=own.cohort)
        ECTAtSchool.objects.create(tenant=world.tenant_a, ect=ect, school=world.school_a1, started_on=start)
        Mentorship.objects.create(tenant=world.tenant_a, ect=ect, mentor=cw.mentor, started_on=ect.induction_start)
        if n % 2:
            PauseFactory(tenant=world.tenant_a, ect=ect, starts_on=D(2026, 9, 21), ends_on=D(2026, 9, 25))
        MeetingFactory(tenant=world.tenant_a, ect=ect, mentor=cw.mentor, cycle_starts_on=D(2026, 9, 28),
                       met_on=D(2026, 10, 1))
        ObservationFactory(tenant=world.tenant_a, ect=ect, mentor=cw.mentor, cycle_starts_on=D(2026, 9, 28),
                           observed_on=D(2026, 9, 30))
        ActionStepFactory(tenant=world.tenant_a, ect=ect, module=cw.modules["M2"], set_on=D(2026, 10, 1),
                          set_by=cw.mentor_user)
        ids.append(ect.pk)
    MentorAbsenceFactory(tenant=world.tenant_a, mentor=cw.mentor, started_on=D(2026, 10, 5), ended_on=D(2026, 10, 9))
    return ids


def _queries_for(ids):
    cache.clear()
    forget_everything()
    with CaptureQueriesContext(connection) as ctx:
        states = coaching_states(with_coaching_facts(ECT.objects.filter(pk__in=ids)), on=D(2026, 10, 21))
    assert len(states) == len(ids)
    assert all(s.step is not None and s.logged == 1 for s in states.values())
    return len(ctx.captured_queries)


def test_coaching_states_reads_in_the_same_number_of_queries_for_2_or_6_ects(coaching_world):
    ids = _ects_like_the_own_one(coaching_world, 6)
    two, six = _queries_for(ids[:2]), _queries_for(ids)
    assert two == six
