import factory
from factory.django import DjangoModelFactory

from ectalign.factories import UserFactory
from schools.models import Membership, Role, School, Tenant


class TenantFactory(DjangoModelFactory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"Delivery Partner {n}")
    slug = factory.Sequence(lambda n: f"delivery-partner-{n}")
    kind = Tenant.Kind.LOCAL_AUTHORITY


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    tenant = factory.SubFactory(TenantFactory)
    urn = factory.Sequence(lambda n: f"{100000 + n:06d}")
    name = factory.Sequence(lambda n: f"Oakfield School {n}")
    phase = School.Phase.PRIMARY
    type = School.Type.MAINTAINED


class MembershipFactory(DjangoModelFactory):
    """A school role by default; pass ``school=None`` with a tenant role."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    tenant = factory.LazyAttribute(lambda m: m.school.tenant if m.school else TenantFactory())
    role = Role.ECT
