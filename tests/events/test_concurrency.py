"""Capacity holds when people book at the same moment (issue 7's acceptance: "a
concurrency test shows capacity holds with simultaneous bookings on PostgreSQL").

Each booking runs in its own thread, on its own database connection, and all start
together at a barrier. ``book_session`` locks the session row (SELECT ... FOR UPDATE)
before counting its places, so the bookings of one session are decided one at a time;
the partial unique constraint ``one_active_booking_per_event`` stops one person from
holding two sessions of the same event when their two requests lock different sessions.

On PostgreSQL (CI) the threads really run at once. The suite's default SQLite test
database is an in-memory database in shared-cache mode, where a second writer gets
"database table is locked" at once instead of waiting, so the simultaneous case cannot
be exercised there: these tests run on PostgreSQL only.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from ectalign.factories import UserFactory
from ectalign.tenancy import tenant_scope
from events.factories import SessionFactory, london
from events.models import Booking
from events.services import EventError, book_session
from participants.models import ECT, ECTAtSchool
from schools.factories import MembershipFactory
from schools.models import Role
from tests.events.world import add_events

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers: SQLite's shared-cache test database refuses a second writer at once",
    ),
]

START = dt.date(2026, 9, 2)  # the world cohort's induction start


def extra_ects(world, count):
    """ECTs of school A1 in the own ECT's cohort, so each is expected at the clinic."""
    cohort = world.ects["own"].cohort
    users = []
    for n in range(count):
        user = UserFactory(email=f"concurrent-ect-{n}@example.org", full_name=f"Concurrent ECT {n}")
        MembershipFactory(user=user, tenant=world.tenant_a, school=world.school_a1, role=Role.ECT)
        ect = ECT.objects.create(tenant=world.tenant_a, user=user, induction_start=START, cohort=cohort)
        ECTAtSchool.objects.create(tenant=world.tenant_a, ect=ect, school=world.school_a1, started_on=START)
        users.append(user)
    return users


def all_at_once(calls, *, tenant_id):
    """Run each call in its own thread (its own connection, in the tenant's scope as a
    request would be), all released together by a barrier. Returns each outcome:
    ("ok", the booking's status) or ("refused", the message); any other exception fails."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            with tenant_scope(tenant_id):  # as TenancyMiddleware opens it for a request
                booking = call()
            outcomes[index] = ("ok", booking.status)
        except EventError as error:
            outcomes[index] = ("refused", str(error))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[index] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a booking thread hung"
    assert not [o for o in outcomes if o[0] == "error"], outcomes
    return outcomes


def booking_call(session, user, **kwargs):
    return lambda: book_session(actor=user, session=session, user=user, **kwargs)


@pytest.mark.parametrize("capacity, people", [(1, 6), (3, 8)])
def test_simultaneous_bookings_never_exceed_capacity(world, capacity, people):
    events = add_events(world)
    session = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0),
                             capacity=capacity)
    users = extra_ects(world, people)

    outcomes = all_at_once([booking_call(session, user) for user in users], tenant_id=world.tenant_a.pk)

    assert Booking.objects.filter(session=session, status=Booking.Status.BOOKED).count() == capacity
    assert Booking.objects.filter(session=session).count() == capacity
    assert [kind for kind, _ in outcomes].count("ok") == capacity
    refusals = [message for kind, message in outcomes if kind == "refused"]
    assert len(refusals) == people - capacity
    assert all(message.startswith("This session is full") for message in refusals), refusals


def test_simultaneous_bookings_with_waiting_list_book_capacity_and_queue_the_rest(world):
    events = add_events(world)
    session = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0),
                             capacity=3)
    users = extra_ects(world, 8)

    outcomes = all_at_once([booking_call(session, user, waiting_list=True) for user in users],
                           tenant_id=world.tenant_a.pk)

    assert sorted(outcomes) == [("ok", "booked")] * 3 + [("ok", "waiting")] * 5
    rows = Booking.objects.filter(session=session)
    assert rows.filter(status=Booking.Status.BOOKED).count() == 3
    assert rows.filter(status=Booking.Status.WAITING).count() == 5
    assert len({b.user_id for b in rows}) == 8


def test_one_person_booking_two_sessions_of_one_event_at_once_gets_exactly_one(world):
    events = add_events(world)
    ect = world.people[Role.ECT]
    second = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0))

    for attempt in range(5):  # more than one try, as a race may go either way
        outcomes = all_at_once([booking_call(events.clinic_session, ect), booking_call(second, ect)],
                               tenant_id=world.tenant_a.pk)

        active = Booking.objects.filter(user=ect, event=events.clinic, status__in=Booking.ACTIVE)
        assert active.count() == 1, (attempt, outcomes)
        assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
        refusal = next(message for kind, message in outcomes if kind == "refused")
        assert "already booked on Clinic 1: High expectations" in refusal or "a moment ago" in refusal, refusal
        active.update(status=Booking.Status.CANCELLED)
