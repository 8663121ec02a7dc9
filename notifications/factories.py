import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from ectalign.factories import UserFactory
from notifications.models import Kind, Notification, NotificationPreference
from schools.factories import TenantFactory


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    tenant = factory.SubFactory(TenantFactory)
    rule = "self_study_due"
    kind = Kind.SELF_STUDY
    recipient = factory.SubFactory(UserFactory)
    subject_key = factory.Sequence(lambda n: f"programme.module:{n}")
    occurrence = "2026-10-27"
    due_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=1))
    title = "Self-study due on Tuesday 27 October: Routines"
    body = "Your self-study module “Routines” is due by Tuesday 27 October 2026.\n"


class NotificationPreferenceFactory(DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    kind = Kind.DIGEST
    enabled = False
