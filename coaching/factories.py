import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from coaching.models import (
    ActionStep,
    CoachAssignment,
    LocalStep,
    Meeting,
    MentorCoachingSession,
    Observation,
    StepProposal,
)
from ectalign.factories import UserFactory
from participants.factories import ECTFactory, MentorFactory
from programme.factories import CoachingFocusAreaFactory, ModuleFactory
from programme.models import StepKind
from schools.factories import TenantFactory


class LocalStepFactory(DjangoModelFactory):
    class Meta:
        model = LocalStep

    tenant = factory.SubFactory(TenantFactory)
    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Use the school's agreed signal for silence ({n})")
    success_criteria = "Gives the signal once and waits\nAll pupils face the front within five seconds"
    kind = StepKind.PERFORMANCE
    strand = factory.SelfAttribute("module.strand")


class ActionStepFactory(DjangoModelFactory):
    class Meta:
        model = ActionStep

    tenant = factory.SubFactory(TenantFactory)
    ect = factory.SubFactory(ECTFactory, tenant=factory.SelfAttribute("..tenant"))
    module = factory.SubFactory(ModuleFactory)
    strand = factory.SelfAttribute("module.strand")
    title = factory.Sequence(lambda n: f"Give instructions in short numbered stages ({n})")
    success_criteria = "No more than three stages at once\nChecks understanding before 'go'"
    kind = StepKind.PERFORMANCE
    source = ActionStep.Source.OWN
    set_on = dt.date(2026, 9, 14)
    set_by = factory.SubFactory(UserFactory)


class ObservationFactory(DjangoModelFactory):
    class Meta:
        model = Observation

    tenant = factory.SubFactory(TenantFactory)
    ect = factory.SubFactory(ECTFactory, tenant=factory.SelfAttribute("..tenant"))
    mentor = factory.SubFactory(MentorFactory, tenant=factory.SelfAttribute("..tenant"))
    # One a week from 7 September 2026, so several for one ECT fall in different cycles.
    cycle_starts_on = factory.Sequence(lambda n: dt.date(2026, 9, 7) + dt.timedelta(weeks=n))
    observed_on = factory.LazyAttribute(lambda o: o.cycle_starts_on + dt.timedelta(days=1))
    minutes = 15
    seen = "Pupils settled quickly after the starter; two at the back drifted during the explanation."
    created_by = factory.SelfAttribute("mentor.user")
    created_at = factory.LazyFunction(timezone.now)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    tenant = factory.SubFactory(TenantFactory)
    ect = factory.SubFactory(ECTFactory, tenant=factory.SelfAttribute("..tenant"))
    mentor = factory.SubFactory(MentorFactory, tenant=factory.SelfAttribute("..tenant"))
    cycle_starts_on = factory.Sequence(lambda n: dt.date(2026, 9, 7) + dt.timedelta(weeks=n))
    met_on = factory.LazyAttribute(lambda o: o.cycle_starts_on + dt.timedelta(days=3))
    minutes = 45
    praise = "Your instructions were short and clear; pupils started straight away."
    modelled = True
    practice_rounds = 3
    created_by = factory.SelfAttribute("mentor.user")
    created_at = factory.LazyFunction(timezone.now)


class StepProposalFactory(DjangoModelFactory):
    class Meta:
        model = StepProposal

    tenant = factory.SubFactory(TenantFactory)
    ect = factory.SubFactory(ECTFactory, tenant=factory.SelfAttribute("..tenant"))
    module = factory.SubFactory(ModuleFactory)
    title = "Plan a hinge question for the middle of the lesson"
    success_criteria = "Four answer options, each wrong one showing a known misconception"
    kind = StepKind.TASK
    proposed_at = factory.LazyFunction(timezone.now)


class CoachAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = CoachAssignment

    tenant = factory.SubFactory(TenantFactory)
    coach = factory.SubFactory(UserFactory)
    mentor = factory.SubFactory(MentorFactory, tenant=factory.SelfAttribute("..tenant"))
    started_on = dt.date(2026, 9, 1)


class MentorCoachingSessionFactory(DjangoModelFactory):
    class Meta:
        model = MentorCoachingSession

    tenant = factory.SubFactory(TenantFactory)
    coach = factory.SubFactory(UserFactory)
    mentor = factory.SubFactory(MentorFactory, tenant=factory.SelfAttribute("..tenant"))
    held_on = dt.date(2026, 10, 6)
    minutes = 60
    focus_area = factory.SubFactory(CoachingFocusAreaFactory)
    notes = "Looked at how the last two steps were chosen."
    next_step = "Pick next week's step from the module the ECT finished last."
    created_at = factory.LazyFunction(timezone.now)
