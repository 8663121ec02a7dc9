import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from ectalign.factories import UserFactory
from participants.models import (
    ECT,
    AppropriateBody,
    ChangeRequest,
    ECTAtSchool,
    Invitation,
    Mentor,
    MentorAbsence,
    MentorAtSchool,
    Mentorship,
    MonitoringAnswers,
    Onboarding,
    Pause,
    Phase,
    StatusChange,
    TrainingStatus,
)
from programme.factories import CohortFactory
from schools.factories import MembershipFactory, SchoolFactory, TenantFactory


class ECTFactory(DjangoModelFactory):
    class Meta:
        model = ECT

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    induction_start = dt.date(2026, 9, 2)
    cohort = factory.SubFactory(CohortFactory, tenant=factory.SelfAttribute("..tenant"))


class MentorFactory(DjangoModelFactory):
    class Meta:
        model = Mentor

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)


class ECTAtSchoolFactory(DjangoModelFactory):
    class Meta:
        model = ECTAtSchool

    school = factory.SubFactory(SchoolFactory)
    tenant = factory.SelfAttribute("school.tenant")
    ect = factory.SubFactory(ECTFactory, tenant=factory.SelfAttribute("..tenant"))
    started_on = factory.SelfAttribute("ect.induction_start")


class MentorAtSchoolFactory(DjangoModelFactory):
    class Meta:
        model = MentorAtSchool

    school = factory.SubFactory(SchoolFactory)
    tenant = factory.SelfAttribute("school.tenant")
    mentor = factory.SubFactory(MentorFactory, tenant=factory.SelfAttribute("..tenant"))
    started_on = dt.date(2026, 9, 1)


class MentorshipFactory(DjangoModelFactory):
    class Meta:
        model = Mentorship

    tenant = factory.SubFactory(TenantFactory)
    ect = factory.SubFactory(ECTFactory, tenant=factory.SelfAttribute("..tenant"))
    mentor = factory.SubFactory(MentorFactory, tenant=factory.SelfAttribute("..tenant"))
    started_on = factory.SelfAttribute("ect.induction_start")


class PauseFactory(DjangoModelFactory):
    class Meta:
        model = Pause

    tenant = factory.SubFactory(TenantFactory)
    ect = factory.SubFactory(ECTFactory, tenant=factory.SelfAttribute("..tenant"))
    kind = Pause.Kind.SICKNESS
    starts_on = dt.date(2027, 1, 11)
    ends_on = dt.date(2027, 2, 5)


class AppropriateBodyFactory(DjangoModelFactory):
    class Meta:
        model = AppropriateBody

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Appropriate Body {n}")


class StatusChangeFactory(DjangoModelFactory):
    class Meta:
        model = StatusChange

    tenant = factory.SubFactory(TenantFactory)
    ect = factory.SubFactory(ECTFactory, tenant=factory.SelfAttribute("..tenant"))
    status = TrainingStatus.DEFERRED
    reason = StatusChange.Reason.LONG_TERM_SICKNESS
    on = dt.date(2027, 1, 11)


class MentorAbsenceFactory(DjangoModelFactory):
    class Meta:
        model = MentorAbsence

    tenant = factory.SubFactory(TenantFactory)
    mentor = factory.SubFactory(MentorFactory, tenant=factory.SelfAttribute("..tenant"))
    started_on = dt.date(2027, 1, 11)
    ended_on = dt.date(2027, 2, 12)
    reason = "Sickness"


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    membership = factory.SubFactory(MembershipFactory)
    tenant = factory.SelfAttribute("membership.tenant")
    email = factory.SelfAttribute("membership.user.email")
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))


class OnboardingFactory(DjangoModelFactory):
    class Meta:
        model = Onboarding

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    phase = Phase.PRIMARY
    subject = "General primary"
    working_pattern = Onboarding.WorkingPattern.FULL_TIME
    terms_accepted_at = factory.LazyFunction(timezone.now)
    completed_at = factory.LazyFunction(timezone.now)


class MonitoringAnswersFactory(DjangoModelFactory):
    class Meta:
        model = MonitoringAnswers

    user = factory.SubFactory(UserFactory)
    gender_identity = MonitoringAnswers.PREFER_NOT_TO_SAY
    sexual_orientation = MonitoringAnswers.PREFER_NOT_TO_SAY
    ethnicity = MonitoringAnswers.PREFER_NOT_TO_SAY
    transgender = MonitoringAnswers.PREFER_NOT_TO_SAY


class ChangeRequestFactory(DjangoModelFactory):
    class Meta:
        model = ChangeRequest

    school = factory.SubFactory(SchoolFactory)
    tenant = factory.SelfAttribute("school.tenant")
    kind = ChangeRequest.Kind.WITHDRAW
    ect = factory.SubFactory(ECTFactory, tenant=factory.SelfAttribute("..tenant"))
    details = factory.LazyFunction(lambda: {"reason": "left_profession", "on": "2027-01-11"})
    reason = "Leaving teaching at Christmas."
    requested_by = factory.SubFactory(UserFactory)
