"""Event writes (events.services): scheduling sessions inside the lead provider's
delivery window, booking with capacity and a waiting list, moving and cancelling up
to the cut-off, attendance and the catch-up it sets. Each refusal is checked for its
message, its form field and that nothing was written.

The world is tests/events/world.py; "now" is pinned to Thursday 1 October 2026, 09:00
UK time (tests/events/conftest.py). Hand-worked facts used below:
  - Clinic 1 "High expectations" (ECT, year 1) and Conference 1 "Developing
    instructional coaching" (mentors) have the window 1 Sep 2026 to 23 Jul 2027.
  - The clinic session of tenant A is online, Wednesday 4 November 2026 16:00-17:30
    (GMT), capacity 30; changes close 48 hours before: Monday 2 November 2026 at 16:00.
  - The conference session of tenant A is face to face, Wednesday 11 November 2026.
  - Every test e-mail subject starts with "[ectalign] " (EMAIL_SUBJECT_PREFIX).
"""

import datetime as dt

import pytest
from django.core import mail
from django.test import TestCase

from ectalign.factories import UserFactory
from events.factories import LocalGroupFactory, SessionFactory, london
from events.models import Booking, CatchUp, DeliveryWindow, Session
from events.services import (
    EventError,
    book_session,
    cancel_booking,
    cancel_session,
    complete_catch_up,
    mark_attendance,
    move_booking,
    publish_session,
    schedule_session,
)
from participants.models import ECT, ECTAtSchool
from schools.factories import MembershipFactory
from schools.models import Role

pytestmark = pytest.mark.django_db

PINNED = london(2026, 10, 1, 9, 0)
AFTER_CUT_OFF = london(2026, 11, 3, 9, 0)  # the clinic session's changes closed on 2 Nov at 16:00
SESSION_EVENING = london(2026, 11, 4, 17, 45)  # the clinic session has just ended


def new_ect(world, name, school=None):
    """An ECT of school A1 (or ``school``) in the own ECT's cohort: expected at the clinic."""
    school = school or world.school_a1
    user = UserFactory(email=f"{name.lower().replace(' ', '.')}@example.org", full_name=name)
    MembershipFactory(user=user, tenant=world.tenant_a, school=school, role=Role.ECT)
    ect = ECT.objects.create(tenant=world.tenant_a, user=user, induction_start=dt.date(2026, 9, 2),
                             cohort=world.ects["own"].cohort)
    ECTAtSchool.objects.create(tenant=world.tenant_a, ect=ect, school=school, started_on=dt.date(2026, 9, 2))
    return user


def rows():
    return (
        Session.objects.count(), Session.facilitators.through.objects.count(), Session.history.count(),
        Booking.objects.count(), Booking.history.count(), CatchUp.objects.count(), len(mail.outbox),
    )


def refused(call, **kwargs):
    """The EventError of a refused call, checking nothing was written, nor any e-mail
    left queued for the commit."""
    before = rows()
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks, pytest.raises(EventError) as caught:
        call(**kwargs)
    assert rows() == before
    assert callbacks == []
    return caught.value


def subjects():
    return [(m.to, m.subject) for m in mail.outbox]


def book(user, session, *, actor=None, **kwargs):
    return book_session(actor=actor or user, session=session, user=user, **kwargs)


# --- Scheduling -------------------------------------------------------------------------------


@pytest.fixture
def staff(world):
    return world.people[Role.DP_STAFF]


def session_facts(world, events, **overrides):
    facts = dict(
        actor=world.people[Role.DP_STAFF], tenant=world.tenant_a, event=events.clinic,
        starts_at=london(2026, 11, 25, 16, 0), ends_at=london(2026, 11, 25, 17, 30), mode=Session.Mode.ONLINE,
        online_link="https://meet.example.org/clinic-2", capacity=20, facilitators=[world.people[Role.FACILITATOR]],
    )
    facts.update(overrides)
    return facts


def test_staff_schedule_a_draft_session_inside_the_window(world, events):
    session = schedule_session(**session_facts(world, events, venue="Ignored for an online session"))

    session.refresh_from_db()
    assert session.tenant == world.tenant_a
    assert session.status == Session.Status.DRAFT
    assert session.academic_year == 2026
    assert (session.starts_at, session.ends_at) == (london(2026, 11, 25, 16, 0), london(2026, 11, 25, 17, 30))
    assert session.venue == ""
    assert session.online_link == "https://meet.example.org/clinic-2"
    assert list(session.facilitators.all()) == [world.people[Role.FACILITATOR]]


@pytest.fixture
def autumn_2_window(events):
    """The lead provider narrows the clinic's 2026-27 window to its half-term."""
    DeliveryWindow.objects.filter(event=events.clinic, academic_year=2026).update(
        opens_on=dt.date(2026, 11, 1), closes_on=dt.date(2026, 12, 20)
    )


@pytest.mark.parametrize("day, month, year", [(31, 10, 2026), (21, 12, 2026), (5, 1, 2027)])
def test_a_session_outside_the_delivery_window_is_refused(world, events, autumn_2_window, day, month, year):
    starts_at = london(year, month, day, 16, 0)
    error = refused(schedule_session, **session_facts(world, events, starts_at=starts_at,
                                                      ends_at=starts_at + dt.timedelta(minutes=90)))

    assert str(error) == (
        "Clinic 1: High expectations must run between 1 November 2026 and 20 December 2026 (the lead provider's "
        f"delivery window): {day} {starts_at:%B} {year} is outside it."
    )
    assert error.field == "starts_at"


@pytest.mark.parametrize("day, month", [(1, 11), (20, 12)])
def test_the_first_and_last_days_of_the_window_are_inside_it(world, events, autumn_2_window, day, month):
    starts_at = london(2026, month, day, 9, 0)
    session = schedule_session(**session_facts(world, events, starts_at=starts_at,
                                               ends_at=starts_at + dt.timedelta(hours=2)))

    assert session.pk is not None


def test_a_session_ending_after_the_window_closes_names_the_day_outside_it(world, events, autumn_2_window):
    error = refused(schedule_session, **session_facts(world, events, starts_at=london(2026, 12, 20, 23, 0),
                                                      ends_at=london(2026, 12, 21, 0, 30)))

    assert str(error).endswith("(the lead provider's delivery window): 21 December 2026 is outside it.")
    assert error.field == "starts_at"


def test_no_window_for_the_academic_year_is_refused(world, events):
    # 8 September 2027 is in 2027-28, for which the lead provider has published nothing.
    error = refused(schedule_session, **session_facts(world, events, starts_at=london(2027, 9, 8, 16, 0),
                                                      ends_at=london(2027, 9, 8, 17, 30)))

    assert str(error) == (
        "The lead provider has set no delivery window for Clinic 1: High expectations in 2027 to 2028: "
        "choose a date in an academic year that has one, or ask the lead provider for the window."
    )
    assert error.field == "starts_at"


@pytest.mark.parametrize("ends_at, shown", [
    (london(2026, 11, 25, 16, 0), "Wednesday 25 November 2026 at 16:00"),
    (london(2026, 11, 25, 15, 0), "Wednesday 25 November 2026 at 15:00"),
])
def test_a_session_ending_before_or_when_it_starts_is_refused(world, events, ends_at, shown):
    error = refused(schedule_session, **session_facts(world, events, ends_at=ends_at))

    assert str(error) == (
        f"The session ends ({shown}) before or when it starts (Wednesday 25 November 2026 at 16:00): "
        "check the end time."
    )
    assert error.field == "ends_at"


def test_capacity_below_the_people_already_booked_is_refused(world, events):
    session = events.clinic_session
    for name in ("Ada Booked", "Ben Booked", "Cy Booked"):
        book(new_ect(world, name), session)
    mail.outbox.clear()

    error = refused(schedule_session, **session_facts(
        world, events, session=session, starts_at=session.starts_at, ends_at=session.ends_at,
        online_link=session.online_link, capacity=2,
    ))

    assert str(error) == (
        "3 people are already booked on this session: the capacity cannot be less than 3. "
        "Move some of them to another session first."
    )
    assert error.field == "capacity"
    session.refresh_from_db()
    assert session.capacity == 30


def test_capacity_down_to_exactly_the_people_booked_is_allowed(world, events):
    session = events.clinic_session
    for name in ("Ada Booked", "Ben Booked"):
        book(new_ect(world, name), session)

    schedule_session(**session_facts(world, events, session=session, starts_at=session.starts_at,
                                     ends_at=session.ends_at, online_link=session.online_link, capacity=2))

    session.refresh_from_db()
    assert session.capacity == 2


def test_face_to_face_without_a_venue_is_refused(world, events):
    error = refused(schedule_session, **session_facts(world, events, mode=Session.Mode.IN_PERSON, venue="   "))

    assert str(error) == "Enter the venue's name and address for a face-to-face session."
    assert error.field == "venue"


def test_online_without_a_link_is_refused(world, events):
    error = refused(schedule_session, **session_facts(world, events, online_link=""))

    assert str(error) == "Enter the joining link for an online session."
    assert error.field == "online_link"


def test_a_local_group_of_another_tenant_is_refused(world, events):
    theirs = LocalGroupFactory(tenant=world.tenant_b, name="Birch cluster")

    error = refused(schedule_session, **session_facts(world, events, local_group=theirs))

    assert str(error) == "Choose one of your own local groups."
    assert error.field == "local_group"


@pytest.mark.parametrize("who, name", [
    (lambda w: w.people[Role.MENTOR], "A Mentor"),
    (lambda w: w.people[Role.COACH], "A Coach"),
    (lambda w: w.outsiders[Role.FACILITATOR], "B Facilitator"),  # a facilitator of the other tenant
])
def test_a_facilitator_who_is_not_a_facilitator_or_staff_of_the_tenant_is_refused(world, events, who, name):
    error = refused(schedule_session, **session_facts(
        world, events, facilitators=[world.people[Role.FACILITATOR], who(world)],
    ))

    assert str(error) == f"{name} cannot facilitate: only the delivery partner's facilitators and staff can."
    assert error.field == "facilitators"


def test_staff_may_facilitate(world, events):
    session = schedule_session(**session_facts(world, events, facilitators=[world.people[Role.DP_ADMIN]]))

    assert list(session.facilitators.all()) == [world.people[Role.DP_ADMIN]]


@pytest.mark.parametrize("who", [
    lambda w: w.people[Role.FACILITATOR],
    lambda w: w.people[Role.INDUCTION_TUTOR],
    lambda w: w.outsiders[Role.DP_STAFF],  # staff of the other tenant
])
def test_only_the_tenants_staff_schedule_sessions(world, events, who):
    error = refused(schedule_session, **session_facts(world, events, actor=who(world)))

    assert str(error) == "Only the delivery partner's staff can schedule sessions."


def test_moving_a_published_session_tells_the_people_booked_once_and_bumps_its_revision(
    world, events, django_capture_on_commit_callbacks
):
    session = events.clinic_session
    ect = world.people[Role.ECT]
    book(ect, session)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        schedule_session(**session_facts(world, events, session=session, starts_at=london(2026, 11, 5, 15, 30),
                                         ends_at=london(2026, 11, 5, 17, 0), online_link=session.online_link,
                                         capacity=30))

    session.refresh_from_db()
    assert session.sequence == 1
    assert subjects() == [
        ([ect.email], "[ectalign] Changed: Clinic 1 is now Thursday 5 November 2026 at 15:30"),
    ]


# --- Booking ------------------------------------------------------------------------------------


def test_an_ect_books_their_clinic_and_is_told_once(world, events, django_capture_on_commit_callbacks):
    ect = world.people[Role.ECT]

    with django_capture_on_commit_callbacks(execute=True):
        booking = book(ect, events.clinic_session)

    booking.refresh_from_db()
    assert (booking.status, booking.user, booking.booked_by) == (Booking.Status.BOOKED, ect, ect)
    assert booking.school == world.school_a1
    assert booking.event == events.clinic
    assert booking.booked_at == PINNED
    assert subjects() == [([ect.email], "[ectalign] You are booked: Clinic 1, Wednesday 4 November 2026 at 16:00")]


def test_a_second_booking_of_the_same_session_is_refused(world, events):
    ect = world.people[Role.ECT]
    book(ect, events.clinic_session)

    error = refused(book, user=ect, session=events.clinic_session)

    assert str(error) == (
        "You are already booked on Clinic 1: High expectations (Wednesday 4 November 2026 at 16:00): "
        "move or cancel that booking instead."
    )
    assert error.field == "session"


def test_booking_another_session_of_the_same_event_is_refused_with_move_advice(world, events):
    ect = world.people[Role.ECT]
    book(ect, events.clinic_session)
    later = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0))

    error = refused(book, user=ect, session=later)

    assert "already booked on Clinic 1: High expectations (Wednesday 4 November 2026 at 16:00)" in str(error)
    assert str(error).endswith("move or cancel that booking instead.")
    assert Booking.objects.filter(user=ect, session=later).count() == 0


def test_a_place_on_a_waiting_list_also_counts_as_the_one_booking_for_the_event(world, events):
    full = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0),
                          capacity=1)
    book(new_ect(world, "Ada Booked"), full)
    ect = world.people[Role.ECT]
    book(ect, full, waiting_list=True)

    error = refused(book, user=ect, session=events.clinic_session)

    assert str(error) == (
        "You are already on the waiting list for Clinic 1: High expectations (Wednesday 25 November 2026 at 16:00): "
        "move or cancel that booking instead."
    )


@pytest.fixture
def small_session(world, events):
    """A published clinic session for two people, Wednesday 25 November 2026 at 16:00."""
    return SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0),
                          capacity=2)


def test_a_full_session_refuses_a_booking(world, small_session):
    book(new_ect(world, "Ada Booked"), small_session)
    book(new_ect(world, "Ben Booked"), small_session)

    error = refused(book, user=world.people[Role.ECT], session=small_session)

    assert str(error) == (
        "This session is full: choose another session, or join its waiting list and you will be booked "
        "automatically if a place comes free."
    )
    assert error.field == "session"


def test_a_full_session_puts_the_person_on_its_waiting_list_when_asked(
    world, small_session, django_capture_on_commit_callbacks
):
    book(new_ect(world, "Ada Booked"), small_session)
    book(new_ect(world, "Ben Booked"), small_session)
    mail.outbox.clear()
    ect = world.people[Role.ECT]

    with django_capture_on_commit_callbacks(execute=True):
        booking = book(ect, small_session, waiting_list=True)

    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.WAITING
    assert Booking.objects.filter(session=small_session, status=Booking.Status.BOOKED).count() == 2
    assert subjects() == [
        ([ect.email], "[ectalign] You are on the waiting list: Clinic 1, Wednesday 25 November 2026 at 16:00"),
    ]


def test_asking_for_the_waiting_list_on_a_session_with_room_books_directly(world, small_session):
    booking = book(world.people[Role.ECT], small_session, waiting_list=True)

    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED


def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list_who_is_told_once(
    world, small_session, django_capture_on_commit_callbacks
):
    ada, ben = new_ect(world, "Ada Booked"), new_ect(world, "Ben Booked")
    first, second = new_ect(world, "Cy Waiting"), new_ect(world, "Di Waiting")
    ada_booking = book(ada, small_session)
    book(ben, small_session)
    first_place = book(first, small_session, waiting_list=True)
    second_place = book(second, small_session, waiting_list=True)
    mail.outbox.clear()
    later = london(2026, 10, 2, 12, 0)

    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(actor=ada, booking=ada_booking, now=later)

    ada_booking.refresh_from_db()
    assert (ada_booking.status, ada_booking.cancelled_by, ada_booking.cancelled_at) == (
        Booking.Status.CANCELLED, ada, later,
    )
    first_place.refresh_from_db()
    assert (first_place.status, first_place.offered_at) == (Booking.Status.BOOKED, later)
    assert Booking.objects.get(pk=second_place.pk).status == Booking.Status.WAITING
    assert Booking.objects.filter(session=small_session, status=Booking.Status.BOOKED).count() == 2
    assert subjects() == [([first.email], "[ectalign] A place came free: you are booked on Clinic 1, "
                                          "Wednesday 25 November 2026 at 16:00")]


def test_leaving_the_waiting_list_offers_nobody_a_place(world, small_session, django_capture_on_commit_callbacks):
    book(new_ect(world, "Ada Booked"), small_session)
    book(new_ect(world, "Ben Booked"), small_session)
    cy = new_ect(world, "Cy Waiting")
    place = book(cy, small_session, waiting_list=True)
    book(new_ect(world, "Di Waiting"), small_session, waiting_list=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(actor=cy, booking=place)

    assert Booking.objects.filter(session=small_session, status=Booking.Status.WAITING).count() == 1
    assert Booking.objects.filter(session=small_session, status=Booking.Status.BOOKED).count() == 2
    assert mail.outbox == []


def test_raising_the_capacity_offers_the_new_places_to_the_waiting_list(
    world, events, small_session, django_capture_on_commit_callbacks
):
    book(new_ect(world, "Ada Booked"), small_session)
    book(new_ect(world, "Ben Booked"), small_session)
    cy, di = new_ect(world, "Cy Waiting"), new_ect(world, "Di Waiting")
    cy_place = book(cy, small_session, waiting_list=True)
    di_place = book(di, small_session, waiting_list=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        schedule_session(**session_facts(world, events, session=small_session, starts_at=small_session.starts_at,
                                         ends_at=small_session.ends_at, online_link=small_session.online_link,
                                         capacity=3))

    cy_place.refresh_from_db()
    assert (cy_place.status, cy_place.offered_at) == (Booking.Status.BOOKED, PINNED)
    assert Booking.objects.get(pk=di_place.pk).status == Booking.Status.WAITING
    assert subjects() == [([cy.email], "[ectalign] A place came free: you are booked on Clinic 1, "
                                       "Wednesday 25 November 2026 at 16:00")]


def test_after_the_cut_off_the_participant_cannot_book(world, events):
    error = refused(book, user=world.people[Role.ECT], session=events.clinic_session, now=AFTER_CUT_OFF)

    assert str(error) == (
        "Booking for this session closed on Monday 2 November 2026 at 16:00: choose a later session "
        "or contact the delivery partner."
    )
    assert error.field == "session"


def test_the_cut_off_is_exact(world, events):
    closes = events.clinic_session.changes_close_at
    assert closes == london(2026, 11, 2, 16, 0)
    ect = world.people[Role.ECT]

    refused(book, user=ect, session=events.clinic_session, now=closes)
    booking = book(ect, events.clinic_session, now=closes - dt.timedelta(seconds=1))

    assert booking.status == Booking.Status.BOOKED


@pytest.mark.parametrize("change", ["cancel", "move"])
def test_after_the_cut_off_the_participant_cannot_cancel_or_move(world, events, change):
    ect = world.people[Role.ECT]
    booking = book(ect, events.clinic_session)
    later = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0))

    if change == "cancel":
        error = refused(cancel_booking, actor=ect, booking=booking, now=AFTER_CUT_OFF)
    else:
        error = refused(move_booking, actor=ect, booking=booking, to_session=later, now=AFTER_CUT_OFF)

    assert str(error) == (
        "Changes to this booking closed on Monday 2 November 2026 at 16:00: contact the delivery partner "
        "if you cannot attend."
    )
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED


def test_after_the_cut_off_staff_can_still_cancel_and_the_place_is_not_given_away_automatically(
    world, events, django_capture_on_commit_callbacks
):
    session = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 4, 16, 0),
                             capacity=1)
    ect, waiting = world.people[Role.ECT], new_ect(world, "Cy Waiting")
    booking = book(ect, session)
    place = book(waiting, session, waiting_list=True)
    staff = world.people[Role.DP_STAFF]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(actor=staff, booking=booking, now=AFTER_CUT_OFF)

    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by, booking.cancelled_at) == (
        Booking.Status.CANCELLED, staff, AFTER_CUT_OFF,
    )
    # Past the cut-off the person could no longer cancel a place given to them, so it
    # is not given automatically: they stay on the waiting list and nobody is e-mailed.
    assert Booking.objects.get(pk=place.pk).status == Booking.Status.WAITING
    assert subjects() == []


def test_an_induction_tutor_books_for_an_ect_of_their_school(world, events, django_capture_on_commit_callbacks):
    tutor, ect = world.people[Role.INDUCTION_TUTOR], world.people[Role.ECT]

    with django_capture_on_commit_callbacks(execute=True):
        booking = book(ect, events.clinic_session, actor=tutor)

    booking.refresh_from_db()
    assert (booking.user, booking.booked_by, booking.status) == (ect, tutor, Booking.Status.BOOKED)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [ect.email]
    assert "A Induction tutor booked you on:" in mail.outbox[0].body


@pytest.mark.parametrize("who", [
    lambda w: w.outsiders[Role.INDUCTION_TUTOR],  # the other tenant's tutor
    lambda w: MembershipFactory(tenant=w.tenant_a, school=w.school_a2, role=Role.INDUCTION_TUTOR).user,
    lambda w: w.people[Role.MENTOR],  # the ECT's own mentor
    lambda w: w.ects["sibling"].user,  # a fellow ECT
])
def test_nobody_else_books_for_an_ect(world, events, who):
    error = refused(book, user=world.people[Role.ECT], session=events.clinic_session, actor=who(world))

    assert str(error) == "Only the participant, their induction tutor or the delivery partner can book for them."


def test_the_tutor_of_school_a1_cannot_book_for_an_ect_of_school_a2(world, events):
    error = refused(book, user=world.ects["sibling"].user, session=events.clinic_session,
                    actor=world.people[Role.INDUCTION_TUTOR])

    assert str(error) == "Only the participant, their induction tutor or the delivery partner can book for them."


def test_staff_book_for_a_participant(world, events):
    booking = book(world.people[Role.ECT], events.clinic_session, actor=world.people[Role.DP_STAFF])

    assert booking.booked_by == world.people[Role.DP_STAFF]


def test_an_ect_cannot_book_the_mentor_conference(world, events):
    error = refused(book, user=world.people[Role.ECT], session=events.conference_session)

    assert str(error) == (
        "Conference 1: Developing instructional coaching is for mentors of another programme or year, not for you: "
        "choose a session of an event on the list."
    )
    assert error.field == "session"


def test_a_mentor_books_the_mentor_conference(world, events):
    booking = book(world.people[Role.MENTOR], events.conference_session)

    assert (booking.status, booking.school) == (Booking.Status.BOOKED, world.school_a1)


def test_an_ect_of_another_tenant_cannot_book_this_tenants_session(world, events):
    error = refused(book, user=world.outsiders[Role.ECT], session=events.clinic_session)

    assert "not for you" in str(error)


def test_a_draft_session_is_refused(world, events):
    error = refused(book, user=world.people[Role.ECT], session=events.draft_session)

    assert str(error) == "This session is not open for booking yet: choose another session."
    assert error.field == "session"


def test_a_cancelled_session_is_refused(world, events):
    cancel_session(actor=world.people[Role.DP_STAFF], session=events.draft_session)

    error = refused(book, user=world.people[Role.ECT], session=events.draft_session)

    assert str(error) == "This session has been cancelled: choose another session."


def test_a_session_of_another_local_group_is_refused(world, events):
    group = LocalGroupFactory(tenant=world.tenant_a, name="Aspen cluster")
    group.schools.set([world.school_a2])
    session = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0),
                             local_group=group)

    error = refused(book, user=world.people[Role.ECT], session=session)

    assert str(error) == "This session is for the schools of Aspen cluster: choose a session open to Alder Primary."
    assert error.field == "session"
    # ... while an ECT of the group's school books it.
    assert book(world.ects["sibling"].user, session).status == Booking.Status.BOOKED


def test_dietary_and_access_needs_are_kept_for_face_to_face(world, events):
    booking = book(world.people[Role.MENTOR], events.conference_session,
                   dietary_needs="  Vegetarian, no nuts ", access_needs="Step-free access")

    booking.refresh_from_db()
    assert (booking.dietary_needs, booking.access_needs) == ("Vegetarian, no nuts", "Step-free access")


def test_dietary_and_access_needs_are_dropped_for_online(world, events):
    booking = book(world.people[Role.ECT], events.clinic_session,
                   dietary_needs="Vegetarian", access_needs="Captions, please")

    booking.refresh_from_db()
    assert (booking.dietary_needs, booking.access_needs) == ("", "")


def test_needs_longer_than_300_characters_are_refused(world, events):
    error = refused(book, user=world.people[Role.MENTOR], session=events.conference_session,
                    access_needs="x" * 301)

    assert str(error) == "Keep this to 300 characters (it has 301)."
    assert error.field == "access_needs"


def test_the_tutor_of_the_ects_school_cancels_for_them_and_another_schools_tutor_cannot(world, events):
    ect = world.people[Role.ECT]
    booking = book(ect, events.clinic_session)
    other_tutor = MembershipFactory(tenant=world.tenant_a, school=world.school_a2, role=Role.INDUCTION_TUTOR).user

    error = refused(cancel_booking, actor=other_tutor, booking=booking)

    assert str(error) == "Only the participant, their induction tutor or the delivery partner can cancel it."
    cancel_booking(actor=world.people[Role.INDUCTION_TUTOR], booking=booking)
    assert Booking.objects.get(pk=booking.pk).cancelled_by == world.people[Role.INDUCTION_TUTOR]


def test_a_cancelled_booking_cannot_be_cancelled_again(world, events):
    ect = world.people[Role.ECT]
    booking = book(ect, events.clinic_session)
    cancel_booking(actor=ect, booking=booking)

    error = refused(cancel_booking, actor=ect, booking=booking)

    assert str(error) == "This booking is already cancelled."


def test_a_booking_whose_attendance_was_taken_cannot_be_cancelled_even_by_staff(world, events):
    ect = world.people[Role.ECT]
    booking = book(ect, events.clinic_session)
    mark_attendance(actor=world.people[Role.FACILITATOR], session=events.clinic_session,
                    marks={booking.pk: "present"}, now=SESSION_EVENING)

    error = refused(cancel_booking, actor=world.people[Role.DP_STAFF], booking=booking, now=SESSION_EVENING)

    assert str(error) == "Attendance has been taken for this booking: it can no longer change."


# --- Moving -----------------------------------------------------------------------------------


def test_moving_to_a_full_session_leaves_the_booking_as_it_was(world, events):
    ect = world.people[Role.ECT]
    booking = book(ect, events.clinic_session)
    full = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0),
                          capacity=1)
    book(new_ect(world, "Ada Booked"), full)

    error = refused(move_booking, actor=ect, booking=booking, to_session=full)

    assert str(error) == "That session is full: your booking has not changed. Choose another session."
    assert error.field == "session"
    booking.refresh_from_db()
    assert (booking.session, booking.status) == (events.clinic_session, Booking.Status.BOOKED)


def test_moving_frees_the_old_place_to_its_waiting_list(world, events, django_capture_on_commit_callbacks):
    old = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 18, 16, 0),
                         capacity=1)
    ect, waiting = world.people[Role.ECT], new_ect(world, "Cy Waiting")
    booking = book(ect, old)
    place = book(waiting, old, waiting_list=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        moved = move_booking(actor=ect, booking=booking, to_session=events.clinic_session)

    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by) == (Booking.Status.CANCELLED, ect)
    moved.refresh_from_db()
    assert (moved.session, moved.status, moved.user, moved.school) == (
        events.clinic_session, Booking.Status.BOOKED, ect, world.school_a1,
    )
    place.refresh_from_db()
    assert (place.status, place.offered_at) == (Booking.Status.BOOKED, PINNED)
    assert sorted(subjects()) == sorted([
        ([ect.email], "[ectalign] Your booking has moved: Clinic 1, Wednesday 4 November 2026 at 16:00"),
        ([waiting.email], "[ectalign] A place came free: you are booked on Clinic 1, "
                          "Wednesday 18 November 2026 at 16:00"),
    ])


def test_moving_to_an_online_session_drops_the_needs_given_for_face_to_face(world, events):
    mentor = world.people[Role.MENTOR]
    booking = book(mentor, events.conference_session, dietary_needs="Vegetarian")
    online = SessionFactory(tenant=world.tenant_a, event=events.conference, starts_at=london(2026, 11, 12, 9, 0),
                            ends_at=london(2026, 11, 12, 15, 30))

    moved = move_booking(actor=mentor, booking=booking, to_session=online)

    assert Booking.objects.get(pk=moved.pk).dietary_needs == ""


def test_moving_to_a_session_of_another_event_is_refused(world, events):
    mentor = world.people[Role.MENTOR]
    booking = book(mentor, events.conference_session)

    error = refused(move_booking, actor=mentor, booking=booking, to_session=events.clinic_session)

    assert str(error) == "Choose a session of the same event to move to."


# --- Attendance and catch-up ----------------------------------------------------------------------


@pytest.fixture
def register(world, events):
    """The own ECT and Ada, booked on the clinic session of 4 November 2026."""
    ect, ada = world.people[Role.ECT], new_ect(world, "Ada Booked")
    bookings = {"ect": book(ect, events.clinic_session), "ada": book(ada, events.clinic_session)}
    mail.outbox.clear()
    return bookings


def mark(world, events, marks, *, actor=None, now=SESSION_EVENING):
    return mark_attendance(actor=actor or world.people[Role.FACILITATOR], session=events.clinic_session,
                           marks=marks, now=now)


def test_the_facilitator_marks_the_register_and_an_absence_sets_one_catch_up(
    world, events, register, django_capture_on_commit_callbacks
):
    facilitator = world.people[Role.FACILITATOR]

    with django_capture_on_commit_callbacks(execute=True):
        mark(world, events, {register["ect"].pk: "present", register["ada"].pk: "absent"})

    ect_booking, ada_booking = (Booking.objects.get(pk=register[k].pk) for k in ("ect", "ada"))
    assert (ect_booking.attendance, ect_booking.attendance_marked_by, ect_booking.attendance_marked_at) == (
        "present", facilitator, SESSION_EVENING,
    )
    assert ada_booking.attendance == "absent"
    catch_up = CatchUp.objects.get()
    assert (catch_up.user, catch_up.event, catch_up.booking, catch_up.assigned_at, catch_up.completed_at) == (
        ada_booking.user, events.clinic, ada_booking, SESSION_EVENING, None,
    )
    assert subjects() == [([ada_booking.user.email], "[ectalign] Catch-up set: Clinic 1")]
    assert "You were marked absent from clinic 1: High expectations." in mail.outbox[0].body


def test_an_excused_absence_sets_catch_up_too(world, events, register, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mark(world, events, {register["ada"].pk: "excused"})

    assert CatchUp.objects.get().user == register["ada"].user
    assert subjects() == [([register["ada"].user.email], "[ectalign] Catch-up set: Clinic 1")]


def test_changing_absent_to_excused_keeps_the_one_catch_up_and_sends_nothing_more(
    world, events, register, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mark(world, events, {register["ada"].pk: "absent"})
    with django_capture_on_commit_callbacks(execute=True):
        mark(world, events, {register["ada"].pk: "excused"})

    assert CatchUp.objects.count() == 1
    assert len(mail.outbox) == 1


def test_correcting_absent_to_present_removes_the_catch_up_not_yet_done(world, events, register):
    mark(world, events, {register["ada"].pk: "absent"})

    mark(world, events, {register["ada"].pk: "present"})

    assert Booking.objects.get(pk=register["ada"].pk).attendance == "present"
    assert CatchUp.objects.count() == 0


def test_correcting_absent_to_late_keeps_a_catch_up_already_done(world, events, register):
    mark(world, events, {register["ada"].pk: "absent"})
    catch_up = CatchUp.objects.get()
    complete_catch_up(actor=register["ada"].user, catch_up=catch_up, reflection="r" * CatchUp.REFLECTION_MIN_CHARS)

    mark(world, events, {register["ada"].pk: "late"})

    assert CatchUp.objects.get().completed_at is not None


def test_staff_take_the_register(world, events, register):
    mark(world, events, {register["ect"].pk: "late"}, actor=world.people[Role.DP_STAFF])

    assert Booking.objects.get(pk=register["ect"].pk).attendance == "late"


@pytest.mark.parametrize("who", ["other_facilitator", "outsider_facilitator", "coach", "tutor"])
def test_only_the_sessions_facilitators_and_staff_take_its_register(world, events, register, who):
    if who == "other_facilitator":
        actor = MembershipFactory(tenant=world.tenant_a, school=None, role=Role.FACILITATOR).user
        events.conference_session.facilitators.add(actor)  # facilitates another session
    else:
        actor = {
            "outsider_facilitator": world.outsiders[Role.FACILITATOR],
            "coach": world.people[Role.COACH],
            "tutor": world.people[Role.INDUCTION_TUTOR],
        }[who]

    error = refused(mark, world=world, events=events, marks={register["ect"].pk: "present"}, actor=actor)

    assert str(error) == "Only the session's facilitators and the delivery partner's staff take its register."


def test_a_mark_for_someone_not_booked_on_the_session_refuses_the_whole_register(world, events, register):
    later = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 4, 18, 0))
    elsewhere = book(new_ect(world, "Bo Elsewhere"), later)

    error = refused(mark, world=world, events=events,
                    marks={register["ect"].pk: "present", elsewhere.pk: "absent"})

    assert str(error) == "Bo Elsewhere is not booked on this session, so cannot be marked: refresh the register."
    assert Booking.objects.get(pk=register["ect"].pk).attendance == ""
    assert Booking.objects.get(pk=elsewhere.pk).attendance == ""


def test_a_mark_for_someone_on_the_waiting_list_is_refused(world, events):
    session = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 4, 16, 0),
                             capacity=1)
    session.facilitators.add(world.people[Role.FACILITATOR])
    booked = book(world.people[Role.ECT], session)
    waiting = book(new_ect(world, "Cy Waiting"), session, waiting_list=True)

    error = refused(mark_attendance, actor=world.people[Role.FACILITATOR], session=session,
                    marks={booked.pk: "present", waiting.pk: "present"}, now=SESSION_EVENING)

    assert str(error) == "Cy Waiting is not booked on this session, so cannot be marked: refresh the register."


def test_an_unknown_mark_is_refused(world, events, register):
    error = refused(mark, world=world, events=events, marks={register["ect"].pk: "asleep"})

    assert str(error) == "Choose present, late, absent or excused for A Early career teacher."


def test_the_register_opens_on_the_day_of_the_session(world, events, register):
    error = refused(mark, world=world, events=events, marks={register["ect"].pk: "present"},
                    now=london(2026, 11, 3, 23, 59))

    assert str(error) == "The register opens on the day of the session (Wednesday 4 November 2026 at 16:00)."
    # On the day, before it starts (a facilitator preparing the register), it is open.
    mark(world, events, {register["ect"].pk: "present"}, now=london(2026, 11, 4, 0, 1))
    assert Booking.objects.get(pk=register["ect"].pk).attendance == "present"


@pytest.fixture
def catch_up(world, events, register):
    mark(world, events, {register["ada"].pk: "absent"})
    return CatchUp.objects.get()


def test_completing_a_catch_up_needs_a_reflection_of_the_minimum_length(world, catch_up):
    ada = catch_up.user
    short = "  " + "r" * (CatchUp.REFLECTION_MIN_CHARS - 1) + "  "  # spaces around do not count

    error = refused(complete_catch_up, actor=ada, catch_up=catch_up, reflection=short)

    assert str(error) == (
        "Write a little more in your reflection (at least 40 characters): what you took from the materials "
        "and what you will try in your classroom."
    )
    assert error.field == "reflection"
    assert CatchUp.objects.get().completed_at is None


def test_the_participant_completes_their_catch_up(world, catch_up):
    text = "I will narrate the positive at the door."  # exactly 40 characters
    assert len(text) == CatchUp.REFLECTION_MIN_CHARS
    done_at = london(2026, 11, 10, 19, 0)

    complete_catch_up(actor=catch_up.user, catch_up=catch_up, reflection=text, now=done_at)

    catch_up.refresh_from_db()
    assert (catch_up.reflection, catch_up.completed_at) == (text, done_at)


@pytest.mark.parametrize("who", [Role.INDUCTION_TUTOR, Role.DP_STAFF, Role.ECT])
def test_only_the_participant_completes_their_catch_up(world, catch_up, who):
    error = refused(complete_catch_up, actor=world.people[who], catch_up=catch_up, reflection="r" * 60)

    assert str(error) == "Only the person who missed the event can complete its catch-up."


# --- Publishing and cancelling sessions ------------------------------------------------------------


def test_publishing_opens_a_draft_to_booking(world, events):
    publish_session(actor=world.people[Role.DP_STAFF], session=events.draft_session)

    assert book(world.people[Role.ECT], events.draft_session).status == Booking.Status.BOOKED


def test_cancelling_a_session_cancels_its_bookings_and_tells_each_person_once(
    world, events, register, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(actor=world.people[Role.DP_STAFF], session=events.clinic_session)

    assert set(Booking.objects.filter(session=events.clinic_session).values_list("status", flat=True)) == {
        Booking.Status.CANCELLED
    }
    assert sorted(to[0] for to, _ in subjects()) == sorted([register["ect"].user.email, register["ada"].user.email])
    assert {s for _, s in subjects()} == {"[ectalign] Cancelled: Clinic 1 on Wednesday 4 November 2026 at 16:00"}
    # Each can now book another session of the clinic.
    later = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0))
    assert book(register["ada"].user, later).status == Booking.Status.BOOKED


def test_a_session_whose_register_was_taken_cannot_be_cancelled(world, events, register):
    mark(world, events, {register["ect"].pk: "present"})

    error = refused(cancel_session, actor=world.people[Role.DP_STAFF], session=events.clinic_session)

    assert str(error) == "The register of this session has been taken: it cannot be cancelled."

