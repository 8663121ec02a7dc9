import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from ectalign.factories import UserFactory
from induction.models import FormalAssessment, Judgement, ProgressReview, StatutoryAbsence, WorkingPattern
from participants.factories import ECTFactory
from schools.factories import TenantFactory


class WorkingPatternFactory(DjangoModelFactory):
    class Meta:
        model = WorkingPattern

    tenant = factory.SubFactory(TenantFactory)
    ect = factory.SubFactory(ECTFactory, tenant=factory.SelfAttribute("..tenant"))
    starts_on = dt.date(2027, 1, 4)
    fte = Decimal("0.80")


class StatutoryAbsenceFactory(DjangoModelFactory):
    class Meta:
        model = StatutoryAbsence

    tenant = factory.SubFactory(TenantFactory)
    ect = factory.SubFactory(ECTFactory, tenant=factory.SelfAttribute("..tenant"))
    kind = StatutoryAbsence.Kind.SICKNESS
    starts_on = dt.date(2027, 1, 11)
    ends_on = dt.date(2027, 1, 15)


class ProgressReviewFactory(DjangoModelFactory):
    class Meta:
        model = ProgressReview

    tenant = factory.SubFactory(TenantFactory)
    ect = factory.SubFactory(ECTFactory, tenant=factory.SelfAttribute("..tenant"))
    term = 1
    held_on = dt.date(2026, 12, 10)
    on_track = True
    evidence_summary = "Lessons observed show secure routines and clear explanations."
    agreed_targets = "Use hinge questions to check understanding before moving on."
    author = factory.SubFactory(UserFactory)


class FormalAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = FormalAssessment

    tenant = factory.SubFactory(TenantFactory)
    ect = factory.SubFactory(ECTFactory, tenant=factory.SelfAttribute("..tenant"))
    which = 1
    held_on = dt.date(2027, 7, 14)
    ts1 = ts2 = ts3 = ts4 = ts5 = ts6 = ts7 = ts8 = part_two = overall = Judgement.MEETING
    summary = "Meeting the Teachers' Standards at the end of year 1."
    author = factory.SubFactory(UserFactory)
