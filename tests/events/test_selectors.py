"""Event reads (events.selectors): who is expected at which event in which academic
year, each person's state for each event, and a school's schedule with a fixed number of
queries.

The world is tests/events/world.py: the own ECT of school A1 ("A Early career teacher")
is expected at Clinic 1 in 2026-27 (cohort starting 2026, year 1 of the programme); A1's
mentor ("A Mentor") at the mentor Conference 1 in 2026-27. Tenant A has one published
clinic session (4 November 2026), one draft clinic session and one conference session.
Cases are built by hand with the factories, so each state is exactly what is set up.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ectalign.factories import UserFactory
from events.factories import BookingFactory, CatchUpFactory, SessionFactory, london
from events.models import Booking, Session
from events.selectors import State, event_states, expectations_for, school_schedule
from participants.models import ECT, ECTAtSchool, Mentor
from programme.models import Audience
from schools.factories import MembershipFactory
from schools.models import Role

pytestmark = pytest.mark.django_db


def new_ect(world, name, school=None):
    school = school or world.school_a1
    user = UserFactory(email=f"{name.lower().replace(' ', '.')}@example.org", full_name=name)
    MembershipFactory(user=user, tenant=world.tenant_a, school=school, role=Role.ECT)
    ect = ECT.objects.create(tenant=world.tenant_a, user=user, induction_start=dt.date(2026, 9, 2),
                             cohort=world.ects["own"].cohort)
    ECTAtSchool.objects.create(tenant=world.tenant_a, ect=ect, school=school, started_on=dt.date(2026, 9, 2))
    return user


def booking(world, session, user, **kwargs):
    return BookingFactory(tenant=world.tenant_a, session=session, user=user, school=world.school_a1, **kwargs)


def state_of(world, user, **kwargs):
    (only,) = event_states(tenant_id=world.tenant_a.pk, user_ids=[user.pk], **kwargs)[user.pk]
    return only


# --- Expectations ---------------------------------------------------------------------------------


def test_an_ect_is_expected_at_their_programmes_clinic_and_a_mentor_at_the_mentor_conference(world, events):
    ect, mentor = world.people[Role.ECT], world.people[Role.MENTOR]

    expected = expectations_for(tenant_id=world.tenant_a.pk, user_ids=[ect.pk, mentor.pk])

    assert [(x.event, x.audience, x.academic_year, x.year_label) for x in expected[ect.pk]] == [
        (events.clinic, Audience.ECT, 2026, "2026 to 2027"),
    ]
    assert [(x.event, x.audience, x.academic_year) for x in expected[mentor.pk]] == [
        (events.conference, Audience.MENTOR, 2026),
    ]


def test_a_mentor_who_needs_no_mentor_programme_is_expected_at_nothing(world, events):
    mentor = world.people[Role.MENTOR]
    Mentor.objects.filter(user=mentor).update(programme_status=Mentor.ProgrammeStatus.NOT_REQUIRED)

    assert expectations_for(tenant_id=world.tenant_a.pk, user_ids=[mentor.pk]) == {mentor.pk: []}


def test_a_cohort_starting_a_year_later_is_expected_a_year_later(world, events):
    cohort = world.ects["own"].cohort
    cohort.start_year = 2027
    cohort.save()
    ect = world.people[Role.ECT]

    assert [x.academic_year for x in expectations_for(tenant_id=world.tenant_a.pk, user_ids=[ect.pk])[ect.pk]] == [
        2027,
    ]
    assert event_states(tenant_id=world.tenant_a.pk, user_ids=[ect.pk], academic_year=2026) == {ect.pk: []}


# --- States -----------------------------------------------------------------------------------------


def test_not_booked_while_a_published_session_is_open(world, events):
    state = state_of(world, world.people[Role.ECT])

    assert (state.state, state.label, state.colour) == (State.NOT_BOOKED, "Not booked", "orange")
    assert state.sessions_open == 1  # the published clinic session of tenant A: not its draft, not tenant B's
    assert state.needs_action
    assert state.booking is None


def test_no_sessions_yet_when_none_is_published(world, events):
    Session.objects.filter(pk=events.clinic_session.pk).update(status=Session.Status.DRAFT)

    state = state_of(world, world.people[Role.ECT])

    assert (state.state, state.label, state.sessions_open) == (State.NO_SESSIONS, "No sessions yet", 0)
    assert not state.needs_action


def test_booked(world, events):
    ect = world.people[Role.ECT]
    made = booking(world, events.clinic_session, ect)

    state = state_of(world, ect)

    assert (state.state, state.label, state.booking, state.session) == (
        State.BOOKED, "Booked", made, events.clinic_session,
    )
    assert not state.needs_action


def test_a_cancelled_booking_leaves_the_person_not_booked(world, events):
    ect = world.people[Role.ECT]
    booking(world, events.clinic_session, ect, status=Booking.Status.CANCELLED)

    assert state_of(world, ect).state == State.NOT_BOOKED


def test_waiting_shows_the_position_on_that_sessions_waiting_list(world, events):
    """Three people wait for the clinic session of 25 November; they joined at 09:00,
    09:05 and 09:10. Someone waiting for another session does not count."""
    full = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0),
                          capacity=1)
    booking(world, full, new_ect(world, "Ada Booked"))
    booking(world, full, new_ect(world, "Ben Waiting"), status=Booking.Status.WAITING,
            booked_at=london(2026, 9, 20, 9, 0))
    ect = world.people[Role.ECT]
    booking(world, full, ect, status=Booking.Status.WAITING, booked_at=london(2026, 9, 20, 9, 5))
    cy = new_ect(world, "Cy Waiting")
    booking(world, full, cy, status=Booking.Status.WAITING, booked_at=london(2026, 9, 20, 9, 10))
    elsewhere = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 30, 16, 0),
                               capacity=1)
    booking(world, elsewhere, new_ect(world, "Di Waiting Elsewhere"), status=Booking.Status.WAITING,
            booked_at=london(2026, 9, 1, 9, 0))

    state = state_of(world, ect)
    last = state_of(world, cy)

    assert (state.state, state.waiting_position, state.label, state.colour) == (
        State.WAITING, 2, "On the waiting list (number 2)", "yellow",
    )
    assert (last.waiting_position, last.label) == (3, "On the waiting list (number 3)")


@pytest.mark.parametrize("mark", ["present", "late"])
def test_attended(world, events, mark):
    ect = world.people[Role.ECT]
    booking(world, events.clinic_session, ect, attendance=mark)

    state = state_of(world, ect)

    assert (state.state, state.label, state.colour) == (State.ATTENDED, "Attended", "green")


@pytest.mark.parametrize("mark", ["absent", "excused"])
def test_missed_with_catch_up_not_done(world, events, mark):
    ect = world.people[Role.ECT]
    made = booking(world, events.clinic_session, ect, attendance=mark)
    catch_up = CatchUpFactory(tenant=world.tenant_a, booking=made)

    state = state_of(world, ect)

    assert (state.state, state.label, state.colour, state.catch_up) == (
        State.MISSED, "Missed: catch-up not done", "red", catch_up,
    )
    assert state.needs_action


def test_catch_up_done(world, events):
    ect = world.people[Role.ECT]
    made = booking(world, events.clinic_session, ect, attendance="absent")
    CatchUpFactory(tenant=world.tenant_a, booking=made, completed_at=london(2026, 11, 10, 19, 0),
                   reflection="I will narrate the positive at the door every morning.")

    state = state_of(world, ect)

    assert (state.state, state.label, state.colour) == (State.CATCH_UP_DONE, "Missed: catch-up done", "turquoise")
    assert not state.needs_action


def test_states_of_several_people_are_each_their_own(world, events):
    ect, mentor, ada = world.people[Role.ECT], world.people[Role.MENTOR], new_ect(world, "Ada Attended")
    booking(world, events.clinic_session, ada, attendance="present")
    booking(world, events.conference_session, mentor)

    states = event_states(tenant_id=world.tenant_a.pk, user_ids=[ect.pk, mentor.pk, ada.pk], academic_year=2026)

    assert [(s.event, s.state) for s in states[ect.pk]] == [(events.clinic, State.NOT_BOOKED)]
    assert [(s.event, s.state) for s in states[ada.pk]] == [(events.clinic, State.ATTENDED)]
    assert [(s.event, s.state) for s in states[mentor.pk]] == [(events.conference, State.BOOKED)]


def test_another_tenants_bookings_do_not_count(world, events):
    """The own ECT's bookings in tenant A are not seen from tenant B, where they are
    expected at nothing."""
    ect = world.people[Role.ECT]
    booking(world, events.clinic_session, ect)

    assert event_states(tenant_id=world.tenant_b.pk, user_ids=[ect.pk]) == {ect.pk: []}


# --- A school's schedule ---------------------------------------------------------------------------


def test_school_schedule_lists_each_participant_with_their_states_and_the_booked_sessions_in_date_order(
    world, events
):
    ect, mentor = world.people[Role.ECT], world.people[Role.MENTOR]
    ada = new_ect(world, "Ada Waiting")
    later = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0),
                           capacity=1)
    booking(world, events.conference_session, mentor)  # 11 November
    booking(world, events.clinic_session, ect)  # 4 November
    booking(world, later, ada, status=Booking.Status.WAITING)
    # Someone of school A2 booked on the same clinic session is not in A1's schedule.
    booking(world, events.clinic_session, world.ects["sibling"].user)

    rows, sessions = school_schedule(school=world.school_a1, academic_year=2026)

    # ECTs first by name, then mentors.
    assert [(r.user, r.audience) for r in rows] == [
        (ect, Audience.ECT), (ada, Audience.ECT), (mentor, Audience.MENTOR),
    ]
    assert [[(s.event, s.state) for s in r.states] for r in rows] == [
        [(events.clinic, State.BOOKED)], [(events.clinic, State.WAITING)], [(events.conference, State.BOOKED)],
    ]
    assert sessions == [(events.clinic_session, [ect]), (events.conference_session, [mentor])]


def test_school_schedule_lists_who_is_missing_what(world, events):
    ect = world.people[Role.ECT]
    made = booking(world, events.clinic_session, ect, attendance="absent")
    CatchUpFactory(tenant=world.tenant_a, booking=made)

    rows, _ = school_schedule(school=world.school_a1, academic_year=2026)

    by_user = {r.user: r for r in rows}
    assert [s.event for s in by_user[ect].missed] == [events.clinic]
    assert [s.event for s in by_user[world.people[Role.MENTOR]].not_booked] == [events.conference]


def _add_people(world, events, people, prefix):
    """``people`` more ECTs at school A1, in every state in turn: booked, waiting,
    attended, missed (catch-up set) and not booked."""
    full = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0),
                          capacity=1)
    for n in range(people):
        user = new_ect(world, f"{prefix} {n:02d}")
        kind = n % 5
        if kind == 0:
            booking(world, events.clinic_session, user)
        elif kind == 1:
            booking(world, full, user, status=Booking.Status.WAITING)
        elif kind == 2:
            booking(world, events.clinic_session, user, attendance="present")
        elif kind == 3:
            CatchUpFactory(tenant=world.tenant_a, booking=booking(world, events.clinic_session, user,
                                                                  attendance="absent"))


def _read_schedule(world):
    """Everything the school's page shows for each row and each session."""
    rows, sessions = school_schedule(school=world.school_a1, academic_year=2026)
    shown = []
    for row in rows:
        for state in row.states:
            shown.append((row.user.full_name, state.event.title, state.event.get_kind_display(), state.label,
                          state.expectation.year_label, state.session and state.session.starts_at,
                          state.session and state.session.event.title, state.catch_up and state.catch_up.is_done))
    for session, users in sessions:
        shown.append((session.event.title, session.starts_at, [u.full_name for u in users]))
    return rows, shown


def test_school_schedule_query_count_does_not_grow_with_the_number_of_participants(world, events):
    _add_people(world, events, 5, "Few")
    with CaptureQueriesContext(connection) as few:
        rows, shown = _read_schedule(world)
    assert len(rows) == 2 + 5
    assert len(shown) == 7 + 1  # one event each; one session with A1's people booked (the 4 November clinic)

    _add_people(world, events, 25, "Many")
    with CaptureQueriesContext(connection) as many:
        rows, _ = _read_schedule(world)
    assert len(rows) == 2 + 5 + 25

    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_school_schedule_stays_within_its_queries(world, events, django_assert_max_num_queries):
    _add_people(world, events, 15, "Extra")

    # People at the school (ECTs, mentors), expectations (ECTs, mentors, events), bookings,
    # catch-ups, published sessions, the waiting lists.
    with django_assert_max_num_queries(9):
        _read_schedule(world)
