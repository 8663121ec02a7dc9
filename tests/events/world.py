"""Events added to the shared test world (tests/conftest.py): the world programme's
year-1 ECT clinic and its mentor programme's conference, with delivery windows for
2026-27, and published sessions in tenant A (facilitated by A's facilitator) and in
tenant B. Used by the events tests and the access matrix."""

import datetime as dt
from dataclasses import dataclass

from events.factories import DeliveryWindowFactory, SessionFactory, london
from events.models import Session
from programme.factories import EventTemplateFactory, ProgrammeYearFactory, TermFactory
from programme.models import EventTemplate, Term
from schools.models import Role


@dataclass
class EventWorld:
    clinic: object  # ECT clinic 1 (year 1, autumn term)
    conference: object  # mentor conference 1
    clinic_session: object  # tenant A, online, 4 November 2026 16:00-17:30
    conference_session: object  # tenant A, face to face, 11 November 2026
    other_tenant_session: object  # tenant B's clinic session
    draft_session: object  # tenant A, not yet published


def add_events(world):
    """Idempotent: the access matrix asks once per route and role."""
    if getattr(world, "events", None):
        return world.events
    term = Term.objects.get(programme=world.programme, number=1)
    clinic = EventTemplateFactory(
        term=term, programme=world.programme, code="ECT-CLINIC-1", kind=EventTemplate.Kind.CLINIC, number=1,
        title="High expectations", half_term="autumn_2", hours=1.5,
    )
    mentor_term = TermFactory(year=ProgrammeYearFactory(programme=world.mentor_module.programme, number=1), number=1)
    conference = EventTemplateFactory(
        term=mentor_term, programme=world.mentor_module.programme, code="MENTOR-CONF-1", number=1,
        title="Developing instructional coaching", half_term="autumn_1", hours=6,
    )
    for event in (clinic, conference):
        DeliveryWindowFactory(event=event, academic_year=2026, opens_on=dt.date(2026, 9, 1),
                              closes_on=dt.date(2027, 7, 23))
    clinic_session = SessionFactory(tenant=world.tenant_a, event=clinic, starts_at=london(2026, 11, 4, 16, 0))
    clinic_session.facilitators.add(world.people[Role.FACILITATOR])
    conference_session = SessionFactory(
        tenant=world.tenant_a, event=conference, starts_at=london(2026, 11, 11, 9, 0),
        ends_at=london(2026, 11, 11, 15, 30), mode=Session.Mode.IN_PERSON, online_link="",
        venue="Northgate Conference Centre, 1 Market Street",
    )
    conference_session.facilitators.add(world.people[Role.FACILITATOR])
    other = SessionFactory(tenant=world.tenant_b, event=clinic, starts_at=london(2026, 11, 5, 16, 0))
    other.facilitators.add(world.outsiders[Role.FACILITATOR])
    draft = SessionFactory(tenant=world.tenant_a, event=clinic, starts_at=london(2026, 11, 18, 16, 0),
                           status=Session.Status.DRAFT)
    world.events = EventWorld(clinic, conference, clinic_session, conference_session, other, draft)
    return world.events
