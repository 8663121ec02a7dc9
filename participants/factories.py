import datetime as dt

import factory
from factory.django import DjangoModelFactory

from ectalign.factories import UserFactory
from participants.models import ECT, ECTAtSchool, Mentor, MentorAtSchool, Mentorship, Pause
from programme.factories import CohortFactory
from schools.factories import SchoolFactory, TenantFactory


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
