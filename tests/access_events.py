"""Access-matrix entries for events (see tests/access.py).

Places for a session: "own" is a session of the role's own audience in the own tenant
(for a facilitator: one they facilitate), "sibling" one in the same tenant that is not
theirs (the other audience's, or one they do not facilitate), "other" one of another
tenant. ECTs and mentors see the sessions of their own audience; school leaders,
facilitators and the delivery partner's staff every session of the tenant; coaches
none. A person's bookings and catch-ups are theirs alone (another's answer 404).
"""

from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role
from tests.access import ObjectScoped, Public, RoleGated, school_for, school_page_expected

PARTICIPANTS = frozenset({Role.ECT, Role.MENTOR})
SESSION_READERS = PARTICIPANTS | SCHOOL_LEADER_ROLES | DELIVERY_PARTNER_ROLES | {Role.FACILITATOR}
REGISTER_TAKERS = DELIVERY_PARTNER_ROLES | {Role.FACILITATOR}


def _events(world):
    from tests.events.world import add_events

    return add_events(world)


def _own_session(world, role):
    events = _events(world)
    return events.conference_session if role == Role.MENTOR else events.clinic_session


def session_kwargs(world, place, role):
    events = _events(world)
    if place == "own":
        return {"pk": _own_session(world, role).pk}
    if place == "sibling":
        # Tenant A's session of the other audience (ECT <-> mentor); for the others, the
        # draft session nobody facilitates.
        if role == Role.ECT:
            return {"pk": events.conference_session.pk}
        if role == Role.MENTOR:
            return {"pk": events.clinic_session.pk}
        return {"pk": events.draft_session.pk}
    return {"pk": events.other_tenant_session.pk}


def session_expected(role, place):
    """"sibling" is the other audience's session for ECTs and mentors, and for the others
    a draft that nobody facilitates: staff and facilitators prepare drafts, school
    leaders and participants do not see them."""
    if role not in SESSION_READERS:
        return 403
    if role in PARTICIPANTS or role in SCHOOL_LEADER_ROLES:
        return 200 if place == "own" else 404
    return 200 if place in ("own", "sibling") else 404


def register_expected(role, place):
    if role not in REGISTER_TAKERS:
        return 403
    if role == Role.FACILITATOR:
        return 200 if place == "own" else 404
    return 200 if place in ("own", "sibling") else 404


def event_kwargs(world, place, role):
    """The role's own event (own), the other audience's event of the tenant's programmes
    (sibling), an event of a programme nobody follows (other)."""
    from programme.factories import EventTemplateFactory

    events = _events(world)
    mine, theirs = (events.conference, events.clinic) if role == Role.MENTOR else (events.clinic, events.conference)
    if place == "own":
        return {"event_id": mine.pk}
    if place == "sibling":
        return {"event_id": theirs.pk}
    return {"event_id": EventTemplateFactory().pk}


def participant_only(role, place):
    if role not in PARTICIPANTS:
        return 403
    return 200 if place == "own" else 404


def _booking(world, place, role):
    """A booking of the role's person (own), of another person in tenant A (sibling), of
    a person in tenant B (other)."""
    from events.factories import BookingFactory
    from events.models import Booking

    events = _events(world)
    if place == "own":
        session = _own_session(world, role)
        user = world.people[role]
        existing = Booking.objects.filter(session=session, user=user).first()
        return existing or BookingFactory(tenant=world.tenant_a, session=session, user=user, school=world.school_a1)
    if place == "sibling":
        user = world.people[Role.MENTOR] if role == Role.ECT else world.people[Role.ECT]
        session = events.conference_session if role == Role.ECT else events.clinic_session
        existing = Booking.objects.filter(session=session, user=user).first()
        return existing or BookingFactory(tenant=world.tenant_a, session=session, user=user, school=world.school_a1)
    user = world.outsiders[role]
    existing = Booking.objects.filter(session=events.other_tenant_session, user=user).first()
    return existing or BookingFactory(tenant=world.tenant_b, session=events.other_tenant_session, user=user,
                                      school=world.school_b1)


def booking_kwargs(world, place, role):
    return {"pk": _booking(world, place, role).pk}


def catch_up_kwargs(world, place, role):
    from events.factories import CatchUpFactory
    from events.models import CatchUp

    booking = _booking(world, place, role)
    catch_up = CatchUp.objects.filter(booking=booking).first()
    return {"pk": (catch_up or CatchUpFactory(tenant_id=booking.tenant_id, booking=booking)).pk}


def book_for_expected(role, place):
    if role not in DELIVERY_PARTNER_ROLES | {Role.INDUCTION_TUTOR}:
        return 403
    return school_page_expected(role, place)


def feed_kwargs(world):
    """A live feed address of tenant A's ECT: public, the token is the key."""
    from events.factories import CalendarFeedFactory
    from events.models import CalendarFeed

    user = world.people[Role.ECT]
    feed = CalendarFeed.objects.filter(user=user, revoked_at=None).first()
    return {"token": (feed or CalendarFeedFactory(tenant=world.tenant_a, user=user)).token}


def school_kwargs(world, place, role):
    return {"pk": school_for(world, place).pk}


ROUTES = {
    "events:my_events": RoleGated(PARTICIPANTS),
    "events:choose_session": ObjectScoped(kwargs=event_kwargs, expected=participant_only),
    "events:session_detail": ObjectScoped(kwargs=session_kwargs, expected=session_expected),
    "events:session_ics": ObjectScoped(kwargs=session_kwargs, expected=session_expected),
    "events:cancel_booking": ObjectScoped(kwargs=booking_kwargs, expected=participant_only),
    "events:catch_up": ObjectScoped(kwargs=catch_up_kwargs, expected=participant_only),
    "events:my_schedule_pdf": RoleGated(PARTICIPANTS),
    "events:school_schedule": ObjectScoped(kwargs=school_kwargs, expected=school_page_expected),
    "events:school_schedule_pdf": ObjectScoped(kwargs=school_kwargs, expected=school_page_expected),
    "events:book_for": ObjectScoped(kwargs=school_kwargs, expected=book_for_expected),
    "events:my_sessions": RoleGated(frozenset({Role.FACILITATOR})),
    "events:register": ObjectScoped(kwargs=session_kwargs, expected=register_expected),
    "events:register_pdf": ObjectScoped(kwargs=session_kwargs, expected=register_expected),
    "events:calendar_settings": RoleGated(frozenset({Role.ECT, Role.MENTOR, Role.INDUCTION_TUTOR})),
    "events:feed": Public(kwargs=feed_kwargs),
}
