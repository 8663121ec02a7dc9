"""The demo's conferences and clinics (events.demo, run by seed_demo) as of the demo's
today, 6 December 2026."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from ectalign.models import User
from events.models import Booking, CatchUp, DeliveryWindow, LocalGroup, Session
from events.selectors import State, event_states

pytestmark = pytest.mark.django_db

DEMO_NOW = "2026-12-06T12:00:00+00:00"


@pytest.fixture(autouse=True)
def pinned_now(monkeypatch):
    """Overrides the events tests' 1 October: the demo is seen in December."""
    from django.utils import timezone

    moment = dt.datetime.fromisoformat(DEMO_NOW)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def seed(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo")


def counts():
    return tuple(model.objects.count() for model in (DeliveryWindow, LocalGroup, Session, Booking, CatchUp))


def test_the_demo_has_sessions_bookings_registers_and_catch_up(settings, pinned_now):
    seed(settings)

    for slug in ("northshire", "riverside"):
        sessions = Session.objects.filter(tenant__slug=slug)
        assert sessions.filter(starts_at__lt=pinned_now).exists() and sessions.filter(starts_at__gt=pinned_now).exists()
        assert not sessions.exclude(status=Session.Status.PUBLISHED).exists()
    northshire = Session.objects.filter(tenant__slug="northshire")
    facilitator = User.objects.get(email="facilitator@northshire.demo.ectalign.test")
    assert not northshire.exclude(facilitators=facilitator).exists()
    assert northshire.filter(local_group__name="Northshire North").exists()
    assert not Session.objects.filter(mode="in_person", venue="").exists()
    assert not Session.objects.filter(mode="online", online_link="").exists()

    # Never more booked than the capacity; one full session with a waiting list.
    per_session = Session.objects.annotate(
        booked=Count("bookings", filter=Q(bookings__status="booked")),
        waiting=Count("bookings", filter=Q(bookings__status="waiting")),
    )
    assert all(s.booked <= s.capacity for s in per_session)
    full = [s for s in per_session if s.waiting]
    assert len(full) == 1 and full[0].booked == full[0].capacity and full[0].starts_at > pinned_now

    # Registers taken for the sessions held, none for the sessions to come.
    assert not Booking.objects.filter(session__ends_at__lte=pinned_now, status="booked", attendance="").exists()
    assert not Booking.objects.filter(session__starts_at__gt=pinned_now).exclude(attendance="").exists()
    assert Booking.objects.filter(attendance="present").count() > 10
    catch_ups = CatchUp.objects.select_related("booking")
    assert sorted(c.is_done for c in catch_ups) == [False, True]
    assert all(c.booking.attendance == "absent" for c in catch_ups)

    ect = User.objects.get(email="ect1.northshire-s1@demo.ectalign.test")
    states = event_states(tenant_id=northshire[0].tenant_id, user_ids=[ect.pk], academic_year=2026)[ect.pk]
    by_state = {}
    for state in states:
        by_state.setdefault(state.state, []).append(state.event)
    assert any(e.kind == "clinic" for e in by_state[State.ATTENDED])
    assert len(by_state[State.MISSED]) == 1
    assert any(e.kind == "clinic" for e in by_state[State.NOT_BOOKED])


def test_seeding_the_demo_twice_changes_no_events(settings):
    seed(settings)
    before = counts()
    assert all(before)
    seed(settings)
    assert counts() == before
