"""The engagement selector (reporting.engagement, issue 8 "Must have" 1) with hand-worked
cases: counts of what was expected and what was done for a period, and the red / amber /
green state with its reasons.

The world (tests/conftest.py): school A1's ECT ("own", here Olive Own) starts induction on
Wednesday 2 September 2026 on the world programme, mentored by A1's mentor (Martin
Mentor) from that day. A1 has set no term dates, so the standard 2026-27 calendar holds:
autumn term Tue 1 Sep - Fri 18 Dec 2026, half-term 26-30 October. The teaching weeks, by
their Mondays (a full-time ECT's programme weeks, and year 1's weekly coaching cycles):

    T1 31 Aug   T2 7 Sep    T3 14 Sep   T4 21 Sep   T5 28 Sep   T6 5 Oct   T7 12 Oct
    T8 19 Oct   [half-term 26 Oct]      T9 2 Nov    T10 9 Nov   T11 16 Nov  T12 23 Nov
    T13 30 Nov  T14 7 Dec   T15 14 Dec

A cycle runs from its Monday to the day before the next cycle's Monday (T8's runs over
half-term to Sunday 1 November), and is "over" the day after it ends.

The programme of these tests: the world's module (M1) and five more, each with
activities to tick, and a retrieval week (nothing to tick, never counted):

    module  weeks   full time: open .. expected by      0.6 FTE: teaching weeks, expected by
    M1      1-2     Wed 2 Sep .. Fri 11 Sep (T1-T2)      T1-T4   Fri 25 Sep
    M2      3-4     Mon 14 Sep .. Fri 25 Sep (T3-T4)     T4-T7   Fri 16 Oct
    R       5       T5 (retrieval)
    M3      6-7     Mon 5 Oct .. Fri 16 Oct (T6-T7)      T9-T12  Fri 27 Nov
    M4      8-9     Mon 19 Oct .. Fri 6 Nov (T8-T9)      T12-T15 Fri 18 Dec
    M5      10-11   Mon 9 Nov .. Fri 20 Nov (T10-T11)
    M6      12-13   Mon 23 Nov .. Fri 4 Dec (T12-T13)

(At 0.6 FTE programme week n takes the counted teaching weeks floor((n-1)/0.6)+1 ..
ceil(n/0.6): week 1 T1-T2, week 2 T2-T4, week 3 T4-T5, week 4 T6-T7, week 6 T9-T10,
week 7 T11-T12, week 8 T12-T14, week 9 T14-T15.)

Meetings are held (and logged) on the Thursday of their week, observations on the Tuesday,
modules ticked at 17:00: judged on a past day, a module counts as done from the time its
last activity was ticked and a meeting from the day it was held. The events are those of
tests/events/world.py: ECT Clinic 1 on Wednesday 4 November 2026, 16:00-17:30.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaching.factories import ActionStepFactory, MeetingFactory, ObservationFactory
from coaching.services import StepChoice, log_meeting
from ectalign.caching import forget_everything
from ectalign.factories import UserFactory
from events.factories import BookingFactory, CatchUpFactory, london
from events.services import book_session, complete_catch_up, mark_attendance
from participants.factories import MentorAbsenceFactory, PauseFactory
from participants.models import (
    ECT,
    ECTAtSchool,
    Mentor,
    MentorAtSchool,
    Mentorship,
    Pause,
    StatusChange,
    TrainingStatus,
)
from participants.services import change_status
from programme.factories import ActivityCompletionFactory, ModuleActivityFactory, ModuleFactory
from programme.models import Module, ModuleActivity
from reporting.engagement import (
    AMBER,
    CATCH_UP_RED_AFTER_DAYS,
    GREEN,
    PAUSED,
    RED,
    SELF_STUDY_RED_AFTER_DAYS,
    Reason,
    assess,
    assess_ect,
    read_facts,
    school_engagement,
    school_people,
    trend,
)
from schools.models import Role
from tests.events.world import add_events

pytestmark = pytest.mark.django_db

D = dt.date
TERM_START = D(2026, 9, 1)
# The Mondays of the teaching weeks of the autumn term 2026 (see the module docstring).
T = {
    1: D(2026, 8, 31), 2: D(2026, 9, 7), 3: D(2026, 9, 14), 4: D(2026, 9, 21), 5: D(2026, 9, 28),
    6: D(2026, 10, 5), 7: D(2026, 10, 12), 8: D(2026, 10, 19), 9: D(2026, 11, 2), 10: D(2026, 11, 9),
    11: D(2026, 11, 16), 12: D(2026, 11, 23), 13: D(2026, 11, 30), 14: D(2026, 12, 7), 15: D(2026, 12, 14),
}
# A full-time September starter's expected-by dates (the last teaching day of each
# module's last week).
DUE = {
    "M1": D(2026, 9, 11), "M2": D(2026, 9, 25), "M3": D(2026, 10, 16), "M4": D(2026, 11, 6),
    "M5": D(2026, 11, 20), "M6": D(2026, 12, 4),
}


def at(day, hour=17):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@dataclass
class EngagementWorld:
    world: object
    ect: ECT  # Olive Own, full time, from 2 September 2026
    mentor: Mentor  # Martin Mentor
    modules: dict = field(default_factory=dict)

    @property
    def tenant(self):
        return self.world.tenant_a

    def add_ect(self, name, *, fte="1.00", start=D(2026, 9, 2), mentor=True, school=None):
        """Another ECT of the world's own cohort at school A1 (or ``school``), mentored by
        Martin Mentor from their start."""
        school = school or self.world.school_a1
        user = UserFactory(full_name=name, email=f"{name.lower().replace(' ', '.')}@example.org")
        ect = ECT.objects.create(tenant=self.tenant, user=user, induction_start=start, cohort=self.ect.cohort,
                                 fte=Decimal(fte))
        ECTAtSchool.objects.create(tenant=self.tenant, ect=ect, school=school, started_on=start)
        if mentor:
            Mentorship.objects.create(tenant=self.tenant, ect=ect, mentor=self.mentor, started_on=start)
        return ect

    def tick(self, ect, key, day):
        """Every activity of a module ticked on ``day`` (at 17:00)."""
        for activity in self.modules[key].activities.all():
            ActivityCompletionFactory(tenant=self.tenant, user=ect.user, activity=activity, completed_at=at(day),
                                      completed_by=ect.user)

    def meet(self, ect, *weeks, mentor=None, logged_on=None):
        """A 45-minute coaching meeting on the Thursday of each teaching week, logged that day."""
        mentor = mentor or self.mentor
        for week in weeks:
            met_on = T[week] + dt.timedelta(days=3)
            MeetingFactory(tenant=self.tenant, ect=ect, mentor=mentor, cycle_starts_on=T[week], met_on=met_on,
                           created_at=at(logged_on or met_on), created_by=mentor.user)

    def observe(self, ect, *weeks):
        for week in weeks:
            day = T[week] + dt.timedelta(days=1)
            ObservationFactory(tenant=self.tenant, ect=ect, mentor=self.mentor, cycle_starts_on=T[week],
                               observed_on=day, created_at=at(day), created_by=self.mentor.user)

    def step(self, ect, *weeks):
        """A step set in the meeting of each week (from M1, reached from 2 September)."""
        for week in weeks:
            ActionStepFactory(tenant=self.tenant, ect=ect, module=self.modules["M1"],
                              set_on=T[week] + dt.timedelta(days=3), set_by=self.mentor.user)

    def on_track(self, ect, until, *, weeks=None, modules=None):
        """A full-time ECT on track up to ``until``: each module due before it ticked the
        day before its expected-by date, a meeting in every week's cycle over by then."""
        for key, due in DUE.items():
            if (modules is None and due < until) or (modules is not None and key in modules):
                self.tick(ect, key, due - dt.timedelta(days=1))
        self.meet(ect, *(weeks or [k for k, monday in T.items() if monday + dt.timedelta(days=6) < until]))


@pytest.fixture
def pin(monkeypatch):
    """``pin(day)``: "today" (``timezone.localdate``) is that day."""

    def set_today(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        return day

    return set_today


@pytest.fixture
def ew(world):
    programme, first = world.programme, world.module
    modules = {"M1": first}
    for order, (key, start, end, title) in enumerate((
        ("M2", 3, 4, "Explaining new material"),
        ("M3", 6, 7, "Questioning to check understanding"),
        ("M4", 8, 9, "Adapting teaching for every pupil"),
        ("M5", 10, 11, "Modelling and worked examples"),
        ("M6", 12, 13, "Practice and feedback"),
    ), start=2):
        module = ModuleFactory(term=first.term, programme=programme, strand=first.strand, code=f"EN-{key}",
                               title=title, start_week=start, end_week=end, order=100 + order)
        for number, kind in enumerate((ModuleActivity.Kind.READ, ModuleActivity.Kind.QUIZ_REFLECTION), start=1):
            ModuleActivityFactory(module=module, order=number, kind=kind, title=ModuleActivity.Kind(kind).label)
        modules[key] = module
    modules["R"] = ModuleFactory(term=first.term, programme=programme, strand=None, code="EN-R",
                                 title="Retrieval week", kind=Module.Kind.RETRIEVAL, start_week=5, end_week=5,
                                 order=150)
    ect = world.ects["own"]
    ect.user.full_name = "Olive Own"
    ect.user.save()
    mentor = Mentor.objects.select_related("user").get(tenant=world.tenant_a, user=world.people[Role.MENTOR])
    mentor.user.full_name = "Martin Mentor"
    mentor.user.save()
    return EngagementWorld(world=world, ect=ect, mentor=mentor, modules=modules)


def judge(ew, ect, on, *, start=TERM_START, today=None):
    """The ECT's engagement for the period ``start`` .. ``on``, from facts read on ``today``
    (``on`` unless given)."""
    facts = read_facts(tenant_id=ew.tenant.pk, ects=ECT.objects.filter(pk=ect.pk), mentors=Mentor.objects.none(),
                       today=today or on)
    return assess_ect(facts, facts.ects[0], start=start, on=on)


def counts(result):
    return {
        "self_study": (result.self_study_expected, result.self_study_done),
        "cycles": (result.cycles_expected, result.cycles_logged),
        "observations": result.observations,
        "steps": result.steps_recorded,
        "events": (result.events_expected, result.events_attended),
    }


def texts(result):
    return [(r.level, r.text) for r in result.reasons]


# --- (a) A full-time September starter on track ------------------------------------------------


def test_a_full_time_september_starter_on_track_is_green_with_the_counts_worked_by_hand(ew, pin):
    on = pin(D(2026, 11, 23))  # Monday of T12
    events = add_events(ew.world)
    ect = ew.ect
    for key in ("M1", "M2", "M3", "M4", "M5"):
        ew.tick(ect, key, DUE[key] - dt.timedelta(days=2))  # each on the Wednesday before it is due
    ew.tick(ect, "M6", D(2026, 11, 23))  # open since this morning, done already: not yet expected
    ew.meet(ect, *range(1, 12))  # T1..T11
    ew.observe(ect, *range(1, 12))
    ew.step(ect, *range(1, 12))
    booking = book_session(actor=ect.user, session=events.clinic_session, user=ect.user, now=at(D(2026, 10, 1), 9))
    mark_attendance(actor=ew.world.people[Role.FACILITATOR], session=events.clinic_session,
                    marks={booking.pk: "present"}, now=london(2026, 11, 4, 17, 30))

    result = judge(ew, ect, on)

    # Self-study on Monday 23 November: modules expected by then are those whose
    # expected-by date is before it: M1 (11 Sep), M2 (25 Sep), M3 (16 Oct), M4 (6 Nov),
    # M5 (20 Nov) = 5; the retrieval week has nothing to tick and M6 is due 4 December.
    # Coaching: the cycles over are T1..T11 (T11 ended Sunday 22 November) = 11; T12 is
    # this cycle. One observation, one meeting and one step in each = 11 each.
    # Events: Clinic 1 on 4 November, attended = 1 of 1.
    assert counts(result) == {
        "self_study": (5, 5), "cycles": (11, 11), "observations": 11, "steps": 11, "events": (1, 1),
    }
    assert result.overdue == [] and result.catch_up_outstanding == []
    assert result.reasons == []
    assert result.level == GREEN
    assert result.level_label == "On track"


# --- (b) 0.6 FTE: lower raw counts, not behind ---------------------------------------------------


def test_a_part_time_ect_is_not_behind_though_their_counts_are_lower(ew, pin):
    on = pin(D(2026, 11, 23))
    part = ew.add_ect("Priya Parttime", fte="0.6")
    full = ew.add_ect("Fred Fulltime")
    for ect in (part, full):
        # The same work done by both: M1 and M2, a meeting in every weekly cycle.
        ew.tick(ect, "M1", D(2026, 9, 10))
        ew.tick(ect, "M2", D(2026, 9, 24))
        ew.meet(ect, *range(1, 12))

    part_time = judge(ew, part, on)
    # At 0.6 FTE on 23 November only M1 (due 25 Sep) and M2 (due 16 Oct) are expected:
    # 2, against 5 full time. M3 runs T9-T12 (due Friday 27 November): open, not late.
    assert (part_time.self_study_expected, part_time.self_study_done) == (2, 2)
    # Coaching cycles follow the counted teaching weeks (coaching.cycles: weekly in year
    # 1, on every counted teaching week), and part time stretches year 1 to
    # ceil(39 / 0.6) = 65 of them, not the cycles within it: 11 cycles are over (T1..T11),
    # as for a full-time colleague; 11 logged.
    assert (part_time.cycles_expected, part_time.cycles_logged) == (11, 11)
    assert part_time.reasons == [] and part_time.level == GREEN

    # The same counts full time are three modules behind: M3, M4 and M5.
    full_time = judge(ew, full, on)
    assert (full_time.self_study_expected, full_time.self_study_done) == (5, 2)
    assert [(m.code, days) for m, days in full_time.overdue] == [
        ("EN-M3", 38), ("EN-M4", 17), ("EN-M5", 3),  # 16 Oct, 6 Nov and 20 Nov to 23 Nov
    ]
    assert texts(full_time) == [(RED, "self-study: 3 modules overdue (the oldest by 38 days)")]
    assert full_time.level == RED

    # Once M3 is due for the part-timer (Friday 27 November) and not done, they are late too.
    ew.meet(part, 12)
    late = judge(ew, part, pin(D(2026, 12, 2)))  # Wednesday: 5 days after 27 November
    assert (late.self_study_expected, late.self_study_done) == (3, 2)
    assert texts(late) == [(AMBER, "self-study: 1 module overdue by 5 days")]


# --- (c) Back from a four-week absence ------------------------------------------------------------


def test_an_ect_back_from_a_four_week_absence_is_not_expected_to_have_worked_while_away(ew, pin):
    ect = ew.ect
    # Off sick Monday 28 September to Friday 23 October: T5, T6, T7 and T8 are paused on
    # every teaching day, so they are not counted; then half-term. The counted weeks are
    # T1, T2, T3, T4, then T9 (counted week 5), T10 (6), T11 (7), T12 (8), T13 (9):
    # M1 (weeks 1-2) due 11 Sep, M2 (3-4) due 25 Sep, the retrieval week is T9, M3 (6-7)
    # runs T10-T11 and is due Friday 20 November, M4 (8-9) T12-T13, due 4 December.
    PauseFactory(tenant=ew.tenant, ect=ect, kind=Pause.Kind.SICKNESS, starts_on=D(2026, 9, 28),
                 ends_on=D(2026, 10, 23))
    ew.tick(ect, "M1", D(2026, 9, 10))
    ew.tick(ect, "M2", D(2026, 9, 24))
    ew.tick(ect, "M3", D(2026, 11, 19))
    # Cycles: T1, T2, T3, T4 (which runs on over the absence and half-term to Sunday
    # 1 November, the day before the next counted week), T9, T10, T11.
    ew.meet(ect, 1, 2, 3, 4, 9, 10, 11)

    on = pin(D(2026, 11, 23))
    result = judge(ew, ect, on)
    # 3 modules expected (M1, M2, M3), not 5; 7 cycles over (T1-T4, T9-T11), not 11.
    assert (result.self_study_expected, result.self_study_done) == (3, 3)
    assert (result.cycles_expected, result.cycles_logged) == (7, 7)
    assert result.reasons == [] and result.level == GREEN
    assert result.paused == ""

    # While the absence covers the day judged, the ECT is paused, whatever the counts.
    during = judge(ew, ect, pin(D(2026, 10, 14)))
    assert during.level == PAUSED
    assert during.level_label == "Paused"
    assert during.paused == "sickness absence since 28 September"


# --- (d) A mentor with two ECTs each missing one cycle -----------------------------------------


def test_a_mentor_whose_two_ects_each_missed_a_cycle_is_amber_with_one_reason_each(ew, pin):
    on = pin(D(2026, 11, 23))
    own = ew.ect
    bea = ew.add_ect("Bea Second")
    for ect in (own, bea):
        ew.on_track(ect, on, weeks=range(1, 11))  # modules done; meetings T1..T10, none in T11 (16 Nov)

    facts, results = school_engagement(ew.world.school_a1, start=TERM_START, on=on)
    by_name = {(r.kind, r.name): r for r in results}
    assert set(by_name) == {("ect", "Olive Own"), ("ect", "Bea Second"), ("mentor", "Martin Mentor")}
    mentor = by_name[("mentor", "Martin Mentor")]
    # 11 cycles over for each ECT (T1..T11), 10 logged each.
    assert (mentor.cycles_expected, mentor.cycles_logged) == (22, 20)
    assert mentor.level == AMBER
    assert sorted(texts(mentor)) == [
        (AMBER, "coaching with Bea Second: no meeting logged in the cycle of 16 November 2026"),
        (AMBER, "coaching with Olive Own: no meeting logged in the cycle of 16 November 2026"),
    ]
    for name in ("Olive Own", "Bea Second"):
        ect = by_name[("ect", name)]
        assert (ect.cycles_expected, ect.cycles_logged) == (11, 10)
        assert texts(ect) == [(AMBER, "coaching: no meeting logged in the cycle of 16 November 2026")]
        assert ect.level == AMBER


# --- Self-study ----------------------------------------------------------------------------------


def test_one_module_overdue_by_6_days_is_amber(ew, pin):
    on = pin(D(2026, 11, 26))  # Thursday: M5 was due Friday 20 November
    ew.on_track(ew.ect, on, modules=("M1", "M2", "M3", "M4"))
    result = judge(ew, ew.ect, on)
    assert (result.self_study_expected, result.self_study_done) == (5, 4)
    assert [(m.code, days) for m, days in result.overdue] == [("EN-M5", 6)]
    assert result.reasons == [Reason(AMBER, "self_study", "self-study: 1 module overdue by 6 days")]
    assert result.level == AMBER


def test_a_module_overdue_beyond_the_threshold_is_red(ew, pin):
    assert SELF_STUDY_RED_AFTER_DAYS == 14
    ect = ew.ect
    ew.on_track(ect, D(2026, 12, 7), modules=("M1", "M2", "M3", "M4"))  # meetings T1..T13
    ew.tick(ect, "M6", D(2026, 12, 1))  # M6 done early: only M5 (due 20 Nov) is late
    # Friday 4 December: 14 days late, still a check.
    assert texts(judge(ew, ect, pin(D(2026, 12, 4)))) == [(AMBER, "self-study: 1 module overdue by 14 days")]
    # Saturday 5 December: 15 days, beyond the threshold.
    result = judge(ew, ect, pin(D(2026, 12, 5)))
    assert texts(result) == [(RED, "self-study: 1 module overdue by 15 days")]
    assert result.level == RED


# --- Coaching ----------------------------------------------------------------------------------


def test_two_cycles_missed_in_a_row_are_red(ew, pin):
    on = pin(D(2026, 11, 23))
    ew.on_track(ew.ect, on, weeks=range(1, 10))  # meetings T1..T9; none in T10 (9 Nov) or T11 (16 Nov)
    result = judge(ew, ew.ect, on)
    assert (result.cycles_expected, result.cycles_logged) == (11, 9)
    assert texts(result) == [(RED, "coaching: no meeting logged for 2 cycles in a row")]
    # A meeting in this cycle (T12) ends the run.
    ew.meet(ew.ect, 12)
    later = judge(ew, ew.ect, pin(D(2026, 11, 27)))
    assert later.reasons == [] and (later.cycles_expected, later.cycles_logged) == (11, 9)


def test_a_step_set_three_times_in_a_row_is_amber(ew, pin):
    on = pin(D(2026, 11, 23))
    ect, mentor_user = ew.ect, ew.mentor.user
    ew.on_track(ect, on, weeks=range(1, 9))  # modules; meetings T1..T8
    first = StepChoice(source="own", module=ew.modules["M1"], title="Narrate the positive",
                       criteria="Names two pupils doing the right thing\nWarm, calm tone")
    for week, step in ((9, first), (10, StepChoice(source="repeat")), (11, StepChoice(source="repeat"))):
        met_on = T[week] + dt.timedelta(days=3)
        log_meeting(actor=mentor_user, ect=ect, met_on=met_on, minutes=50, step=step, praise="Calm start.",
                    today=on, now=at(met_on))
    result = judge(ew, ect, on)
    assert result.steps_recorded == 3
    assert texts(result) == [(AMBER, "step repeated 3 times: “Narrate the positive”")]
    assert result.level == AMBER


def test_an_ect_with_no_mentor_is_red_from_the_day_after_the_last_mentorship(ew, pin):
    ect = ew.ect
    mentorship = Mentorship.objects.get(ect=ect)
    mentorship.ended_on = D(2027, 3, 2)
    mentorship.save()
    result = judge(ew, ect, pin(D(2027, 3, 8)))
    assert [r for r in result.reasons if r.area == "mentor"] == [Reason(RED, "mentor", "no mentor since 3 March")]
    assert result.level == RED
    # An ECT never given a mentor: since their induction start.
    sibling = ew.world.ects["sibling"]
    result = judge(ew, sibling, pin(D(2026, 9, 9)))
    assert texts(result) == [(RED, "no mentor since 2 September")]
    # Cycles without a mentor are not expected of anybody.
    assert (result.cycles_expected, result.cycles_logged) == (0, 0)


def test_a_mentor_away_too_long_with_ects_is_red(ew, pin):
    on = pin(D(2026, 11, 23))
    ew.on_track(ew.ect, on, weeks=range(1, 9))  # T9..T11: the mentor was away every teaching day
    MentorAbsenceFactory(tenant=ew.tenant, mentor=ew.mentor, started_on=D(2026, 11, 2), ended_on=None)
    facts, results = school_engagement(ew.world.school_a1, start=TERM_START, on=on)
    ect, mentor = sorted(results, key=lambda r: r.kind)
    # The cycles the mentor missed are not the ECT's: 8 expected (T1..T8), 8 logged.
    assert (ect.cycles_expected, ect.cycles_logged) == (8, 8) and ect.level == GREEN
    assert texts(mentor) == [(RED, "away since 2 November: their ECTs need another mentor")]


# --- Events ------------------------------------------------------------------------------------


def test_a_missed_event_with_its_catch_up_not_done_is_amber_then_red_and_clear_once_done(ew, pin):
    assert CATCH_UP_RED_AFTER_DAYS == 28
    events = add_events(ew.world)
    ect = ew.ect
    booking = book_session(actor=ect.user, session=events.clinic_session, user=ect.user, now=at(D(2026, 10, 1), 9))
    mark_attendance(actor=ew.world.people[Role.FACILITATOR], session=events.clinic_session,
                    marks={booking.pk: "absent"}, now=london(2026, 11, 4, 17, 30))
    ew.on_track(ect, D(2026, 12, 4), weeks=range(1, 13))  # M1..M5; meetings T1..T12

    # Wednesday 2 December: 28 days after the clinic of 4 November.
    result = judge(ew, ect, pin(D(2026, 12, 2)))
    assert (result.events_expected, result.events_attended) == (1, 0)
    assert [s.event.pk for s in result.catch_up_outstanding] == [events.clinic.pk]
    assert texts(result) == [(AMBER, "missed Clinic 1, catch-up not done")]
    # Thursday 3 December: 29 days.
    result = judge(ew, ect, pin(D(2026, 12, 3)))
    assert texts(result) == [(RED, "missed Clinic 1, catch-up not done")]
    # Done that morning: nothing outstanding on the 3rd, still outstanding on the 2nd.
    catch_up = result.catch_up_outstanding[0].catch_up
    complete_catch_up(actor=ect.user, catch_up=catch_up, now=at(D(2026, 12, 3), 9),
                      reflection="Watched the recording and tried the cold-call routine with Year 8.")
    done = judge(ew, ect, D(2026, 12, 3))
    assert done.reasons == [] and done.catch_up_outstanding == [] and done.level == GREEN
    before = judge(ew, ect, D(2026, 12, 2), today=D(2026, 12, 3))
    assert texts(before) == [(AMBER, "missed Clinic 1, catch-up not done")]


# --- Status ------------------------------------------------------------------------------------


def test_a_deferred_ect_is_paused_from_the_day_of_the_deferral(ew, pin):
    on = pin(D(2026, 11, 23))
    ect = ew.ect
    ew.on_track(ect, D(2026, 11, 9))  # M1..M4 done, meetings T1..T9; nothing after
    change_status(actor=ew.world.people[Role.INDUCTION_TUTOR], status=TrainingStatus.DEFERRED,
                  reason=StatusChange.Reason.LONG_TERM_SICKNESS, on=D(2026, 11, 9), ect=ect)
    result = judge(ew, ect, on)
    assert result.level == PAUSED
    assert result.paused == "training deferred"
    # Judged before the deferral (the term's trend), they were on track, not paused.
    facts = read_facts(tenant_id=ew.tenant.pk, ects=ECT.objects.filter(pk=ect.pk), mentors=Mentor.objects.none(),
                       today=on)
    assert [(day, [level for level, n in found.items() if n]) for day, found in trend(
        facts, start=TERM_START, weeks=[D(2026, 11, 1), D(2026, 11, 8), D(2026, 11, 15), D(2026, 11, 22)],
    )] == [
        (D(2026, 11, 1), [GREEN]), (D(2026, 11, 8), [GREEN]), (D(2026, 11, 15), [PAUSED]), (D(2026, 11, 22), [PAUSED]),
    ]
    # The tutor's list still shows them: school_people leaves out only the withdrawn.
    ects, _ = school_people(ew.world.school_a1, on)
    assert ect in list(ects)
    change_status(actor=ew.world.people[Role.INDUCTION_TUTOR], status=TrainingStatus.WITHDRAWN,
                  reason=StatusChange.Reason.LEFT_PROFESSION, on=D(2026, 11, 20), ect=ect)
    ects, _ = school_people(ew.world.school_a1, on)
    assert ect not in list(ects)


# --- The period ------------------------------------------------------------------------------------


def test_the_period_start_filters_the_counts(ew, pin):
    on = pin(D(2026, 11, 23))
    events = add_events(ew.world)
    ect = ew.ect
    ew.on_track(ect, on)
    ew.observe(ect, *range(1, 12))
    ew.step(ect, *range(1, 12))
    booking = book_session(actor=ect.user, session=events.clinic_session, user=ect.user, now=at(D(2026, 10, 1), 9))
    mark_attendance(actor=ew.world.people[Role.FACILITATOR], session=events.clinic_session,
                    marks={booking.pk: "late"}, now=london(2026, 11, 4, 17, 30))
    # From Monday 2 November (after half-term): M4 (due 6 Nov) and M5 (20 Nov) = 2 modules;
    # the cycles ending on or after it: T9, T10, T11 = 3 (T8's ended 1 November);
    # observations 3 Nov, 10 Nov, 17 Nov; steps 5, 12, 19 Nov; the clinic of 4 November.
    result = judge(ew, ect, on, start=D(2026, 11, 2))
    assert counts(result) == {
        "self_study": (2, 2), "cycles": (3, 3), "observations": 3, "steps": 3, "events": (1, 1),
    }
    # From Thursday 5 November: M4's expected-by (6 Nov) is still in it, the cycle of T9
    # (2-8 Nov) ends in it; the observation of 3 November, the step of the 5th (T9's
    # Thursday) counts, the clinic of the 4th does not.
    result = judge(ew, ect, on, start=D(2026, 11, 5))
    assert counts(result) == {
        "self_study": (2, 2), "cycles": (3, 3), "observations": 2, "steps": 3, "events": (0, 0),
    }
    # A module left undone before the period is not counted in it, but is still overdue.
    fred = ew.add_ect("Fred Forgetful")
    ew.on_track(fred, on, modules=("M1", "M2", "M3", "M4"))
    result = judge(ew, fred, on, start=D(2026, 11, 21))
    assert counts(result)["self_study"] == (0, 0)
    assert texts(result) == [(AMBER, "self-study: 1 module overdue by 3 days")]


# --- The trend ---------------------------------------------------------------------------------


def test_the_trend_reads_when_work_was_ticked(ew, pin):
    ect = ew.ect
    ew.on_track(ect, D(2026, 12, 7), modules=("M1", "M2", "M3", "M4"), weeks=range(1, 14))  # meetings T1..T13
    ew.tick(ect, "M5", D(2026, 11, 30))  # due Friday 20 November, ticked ten days later
    facts = read_facts(tenant_id=ew.tenant.pk, ects=ECT.objects.filter(pk=ect.pk), mentors=Mentor.objects.none(),
                       today=pin(D(2026, 12, 7)))
    weeks = [D(2026, 11, 20), D(2026, 11, 27), D(2026, 12, 4)]  # Fridays, as the dashboard's trend
    with CaptureQueriesContext(connection) as ctx:
        found = trend(facts, start=TERM_START, weeks=weeks)
    assert len(ctx.captured_queries) == 0  # judged from the facts, not read again
    assert found == [
        (D(2026, 11, 20), {RED: 0, AMBER: 0, GREEN: 1, PAUSED: 0}),  # M5 due that day: not late yet
        (D(2026, 11, 27), {RED: 0, AMBER: 1, GREEN: 0, PAUSED: 0}),  # a week late
        (D(2026, 12, 4), {RED: 0, AMBER: 0, GREEN: 1, PAUSED: 0}),  # done on the 30th (M6 due that day)
    ]
    late = assess_ect(facts, ect=facts.ects[0], start=TERM_START, on=D(2026, 11, 27))
    assert texts(late) == [(AMBER, "self-study: 1 module overdue by 7 days")]
    assert (late.self_study_expected, late.self_study_done) == (5, 4)
    # Cycles over on Friday 27 November: T1..T11 (T12, 23-29 November, is this cycle).
    assert (late.cycles_expected, late.cycles_logged) == (11, 11)


def test_the_trend_counts_a_meeting_from_the_day_it_was_held(ew, pin):
    ect = ew.ect
    ew.on_track(ect, D(2026, 12, 7), weeks=range(1, 10))  # meetings T1..T9; none in T10 (9 Nov)
    ew.meet(ect, 11, logged_on=D(2026, 11, 24))  # held Thursday 19 November, entered on the 24th
    facts = read_facts(tenant_id=ew.tenant.pk, ects=ECT.objects.filter(pk=ect.pk), mentors=Mentor.objects.none(),
                       today=pin(D(2026, 11, 30)))

    def on(day):
        result = assess_ect(facts, facts.ects[0], start=TERM_START, on=day)
        return (result.cycles_expected, result.cycles_logged), texts(result)

    # Friday 13 November: T10 is this cycle, nothing logged yet, nothing missed.
    assert on(D(2026, 11, 13)) == ((9, 9), [])
    # Wednesday 18 November: T10 is over without a meeting; T11's is not held yet.
    assert on(D(2026, 11, 18)) == ((10, 9), [(AMBER, "coaching: no meeting logged in the cycle of 9 November 2026")])
    # Friday 20 November: T11's meeting was held the day before (entered later): the run ends.
    assert on(D(2026, 11, 20)) == ((10, 9), [])
    # Monday 30 November: T11 over and logged; T12 (23 Nov) over without a meeting.
    assert on(D(2026, 11, 30)) == (
        (12, 10), [(AMBER, "coaching: no meeting logged in the cycle of 23 November 2026")],
    )


# --- Mentees at another school ------------------------------------------------------------------


def test_a_mentor_counts_the_coaching_of_a_mentee_at_another_school(ew, pin):
    on = pin(D(2026, 11, 23))
    sibling = ew.world.ects["sibling"]  # at school A2
    Mentorship.objects.create(tenant=ew.tenant, ect=sibling, mentor=ew.mentor, started_on=D(2026, 9, 2))
    for ect in (ew.ect, sibling):
        ew.meet(ect, *range(1, 12))
        ew.observe(ect, 9, 10, 11)
        ew.step(ect, 9, 10, 11)
    facts, results = school_engagement(ew.world.school_a1, start=TERM_START, on=on)
    mentor = next(r for r in results if r.kind == "mentor")
    assert {r.name for r in results if r.kind == "ect"} == {"Olive Own"}  # A2's ECT is not in A1's list
    assert (mentor.cycles_expected, mentor.cycles_logged) == (22, 22)
    assert (mentor.observations, mentor.steps_recorded) == (6, 6)


# --- Queries ------------------------------------------------------------------------------------


def _add_people(ew, count, events, second_mentor):
    for n in range(count):
        mentor = ew.mentor if n % 2 == 0 else second_mentor
        ect = ew.add_ect(f"Extra {ECT.objects.count()}", mentor=False, start=D(2026, 9, 2) + dt.timedelta(days=n % 3))
        Mentorship.objects.create(tenant=ew.tenant, ect=ect, mentor=mentor, started_on=ect.induction_start)
        if n % 2:
            PauseFactory(tenant=ew.tenant, ect=ect, starts_on=D(2026, 9, 21), ends_on=D(2026, 9, 25))
        ew.tick(ect, "M1", D(2026, 9, 10))
        ew.meet(ect, 3, 4, mentor=mentor)
        ew.observe(ect, 3)
        ew.step(ect, 3)
        booking = BookingFactory(tenant=ew.tenant, session=events.clinic_session, user=ect.user,
                                 attendance="absent" if n % 2 else "present")
        if n % 2:
            CatchUpFactory(tenant=ew.tenant, booking=booking)


def _queries(ew, on):
    cache.clear()
    forget_everything()
    ects, mentors = school_people(ew.world.school_a1, on)
    with CaptureQueriesContext(connection) as ctx:
        facts = read_facts(tenant_id=ew.tenant.pk, ects=ects, mentors=mentors, today=on)
    reading = len(ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        results = assess(facts, start=TERM_START, on=on)
    assert len(ctx.captured_queries) == 0
    return reading, len(results)


def test_read_facts_for_a_school_reads_in_the_same_number_of_queries_for_more_ects(ew, pin):
    on = pin(D(2026, 11, 23))
    events = add_events(ew.world)
    user = UserFactory(full_name="Second Mentor")
    second = Mentor.objects.create(tenant=ew.tenant, user=user, cohort=ew.ect.cohort)
    MentorAtSchool.objects.create(tenant=ew.tenant, mentor=second, school=ew.world.school_a1, started_on=TERM_START)
    # A mentee at school A2, read with the school's facts.
    Mentorship.objects.create(tenant=ew.tenant, ect=ew.world.ects["sibling"], mentor=second, started_on=TERM_START)
    MentorAbsenceFactory(tenant=ew.tenant, mentor=second, started_on=D(2026, 10, 5), ended_on=D(2026, 10, 9))
    _add_people(ew, 2, events, second)
    small, people_small = _queries(ew, on)
    _add_people(ew, 6, events, second)
    large, people_large = _queries(ew, on)
    assert (people_small, people_large) == (1 + 2 + 2, 1 + 8 + 2)  # ECTs and the two mentors
    assert small == large
