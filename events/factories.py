import datetime as dt
import secrets

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from ectalign.factories import UserFactory
from events.models import Booking, CalendarFeed, CatchUp, DeliveryWindow, LocalGroup, Session
from programme.factories import EventTemplateFactory
from schools.factories import TenantFactory


def london(year, month, day, hour=0, minute=0):
    """An aware datetime in UK time (the time zone of every session)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


class DeliveryWindowFactory(DjangoModelFactory):
    class Meta:
        model = DeliveryWindow

    event = factory.SubFactory(EventTemplateFactory)
    academic_year = 2026
    opens_on = dt.date(2026, 9, 1)
    closes_on = dt.date(2027, 7, 23)


class LocalGroupFactory(DjangoModelFactory):
    class Meta:
        model = LocalGroup

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Local group {n}")


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    tenant = factory.SubFactory(TenantFactory)
    event = factory.SubFactory(EventTemplateFactory)
    starts_at = factory.LazyFunction(lambda: london(2026, 11, 4, 16, 0))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(minutes=90))
    academic_year = factory.LazyAttribute(lambda s: timezone.localtime(s.starts_at).year
                                          - (1 if timezone.localtime(s.starts_at).month < 8 else 0))
    mode = Session.Mode.ONLINE
    online_link = "https://meet.example.org/clinic"
    capacity = 30
    status = Session.Status.PUBLISHED


class BookingFactory(DjangoModelFactory):
    class Meta:
        model = Booking

    tenant = factory.SubFactory(TenantFactory)
    session = factory.SubFactory(SessionFactory, tenant=factory.SelfAttribute("..tenant"))
    event = factory.SelfAttribute("session.event")
    user = factory.SubFactory(UserFactory)
    status = Booking.Status.BOOKED
    booked_by = factory.SelfAttribute("user")
    booked_at = factory.LazyFunction(timezone.now)


class CatchUpFactory(DjangoModelFactory):
    class Meta:
        model = CatchUp

    tenant = factory.SubFactory(TenantFactory)
    booking = factory.SubFactory(BookingFactory, tenant=factory.SelfAttribute("..tenant"), attendance="absent")
    user = factory.SelfAttribute("booking.user")
    event = factory.SelfAttribute("booking.event")
    assigned_at = factory.LazyFunction(timezone.now)


class CalendarFeedFactory(DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    created_at = factory.LazyFunction(timezone.now)
