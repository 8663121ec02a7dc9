import datetime

import factory
from factory.django import DjangoModelFactory

from ectalign.factories import UserFactory
from programme.schedule import academic_year_of, standard_calendar
from schools.models import InsetDay, Membership, Role, School, TermDates, Tenant


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


class TermDatesFactory(DjangoModelFactory):
    """One term of a school's own dates, on the standard pattern's dates by default; pass
    ``school=None`` (with a tenant) for the delivery partner's default."""

    class Meta:
        model = TermDates

    school = factory.SubFactory(SchoolFactory)
    tenant = factory.LazyAttribute(lambda t: t.school.tenant if t.school else TenantFactory())
    academic_year = 2026
    term = TermDates.Term.AUTUMN
    starts_on = factory.LazyAttribute(lambda t: standard_calendar(t.academic_year).term(t.term).starts_on)
    ends_on = factory.LazyAttribute(lambda t: standard_calendar(t.academic_year).term(t.term).ends_on)
    half_term_starts_on = factory.LazyAttribute(
        lambda t: standard_calendar(t.academic_year).term(t.term).half_term_starts_on
    )
    half_term_ends_on = factory.LazyAttribute(
        lambda t: standard_calendar(t.academic_year).term(t.term).half_term_ends_on
    )


class InsetDayFactory(DjangoModelFactory):
    class Meta:
        model = InsetDay

    school = factory.SubFactory(SchoolFactory)
    tenant = factory.LazyAttribute(lambda d: d.school.tenant if d.school else TenantFactory())
    date = datetime.date(2026, 9, 1)  # a Tuesday, the first day of the standard autumn term
    academic_year = factory.LazyAttribute(lambda d: academic_year_of(d.date))
