"""Shared fixtures: a small world of two delivery partners, with a person in every role.

Tests run with tenant scopes disabled at the top level (factories and assertions read
across tenants freely); every request still opens its own scope in TenancyMiddleware,
so what a page shows is scoped exactly as in production. Tests about scoping itself use
the ``scoped`` fixture to leave the disabled state.
"""

import os
from dataclasses import dataclass, field

import pytest
from django_scopes import scope, scopes_disabled

from schools.factories import MembershipFactory, SchoolFactory, TenantFactory
from schools.models import Role, TENANT_ROLES

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API + ORM

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _scopes_disabled_for_test_code(request):
    if "scoped" in request.fixturenames:
        yield
        return
    with scopes_disabled():
        yield


@pytest.fixture
def scoped():
    """Leave the test-wide disabled scope: queries now need an explicit scope."""
    with scope():
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from ectalign.caching import forget_everything

    cache.clear()
    forget_everything()
    yield


@dataclass
class World:
    """Tenant A with schools A1 (own) and A2 (sibling); tenant B with school B1.
    ``people[role]`` holds the member of each role: school roles in A1, tenant roles in A.
    ``outsiders[role]`` holds the same roles in tenant B (school B1)."""

    tenant_a: object
    tenant_b: object
    school_a1: object
    school_a2: object
    school_b1: object
    people: dict = field(default_factory=dict)
    outsiders: dict = field(default_factory=dict)
    memberships: dict = field(default_factory=dict)

    def user(self, role):
        return self.people[role]


def _member(role, tenant, school, prefix):
    school_for_role = None if role in TENANT_ROLES else school
    return MembershipFactory(
        user__email=f"{prefix}-{role}@example.org",
        user__full_name=f"{prefix.upper()} {Role(role).label}",
        tenant=tenant,
        school=school_for_role,
        role=role,
    )


def build_world():
    tenant_a = TenantFactory(name="Alpha Delivery Partner", slug="alpha")
    tenant_b = TenantFactory(name="Beta Delivery Partner", slug="beta")
    a1 = SchoolFactory(tenant=tenant_a, name="Alder Primary", urn="111111")
    a2 = SchoolFactory(tenant=tenant_a, name="Aspen Academy", urn="111112")
    b1 = SchoolFactory(tenant=tenant_b, name="Birch School", urn="222221")
    world = World(tenant_a, tenant_b, a1, a2, b1)
    for role in Role.values:
        m = _member(role, tenant_a, a1, "a")
        world.people[role] = m.user
        world.memberships[role] = m
        world.outsiders[role] = _member(role, tenant_b, b1, "b").user
    # Somebody in the sibling school, so sibling lists are not empty.
    sibling = MembershipFactory(user__email="a2-ect@example.org", tenant=tenant_a, school=a2, role=Role.ECT)
    _training_records(world, sibling.user)
    return world


def _training_records(world, sibling_ect_user):
    """A one-module ECT programme and its mentor programme; the ECT of A1 mentored by
    the mentor of A1; an ECT in A2 and in B1; mentors' own programme records."""
    import datetime as dt

    from participants.models import ECT, ECTAtSchool, Mentor, MentorAtSchool, Mentorship
    from programme.factories import CohortFactory, ModuleActivityFactory, ModuleFactory, ProgrammeFactory
    from programme.models import ModuleActivity

    programme = ProgrammeFactory(slug="world-programme", title="World programme")
    module = ModuleFactory(
        term__year__programme=programme, term__year__number=1, term__number=1, title="Routines and expectations"
    )
    for order, kind in enumerate(ModuleActivity.Kind.values, start=1):
        ModuleActivityFactory(module=module, order=order, kind=kind, title=ModuleActivity.Kind(kind).label)
    mentor_programme = ProgrammeFactory(slug="world-mentor-programme", audience="mentor", ect_programme=programme)
    mentor_module = ModuleFactory(
        programme=mentor_programme, term=None, strand=None, start_week=None, end_week=None, title="Selecting steps"
    )
    ModuleActivityFactory(module=mentor_module, order=1, kind=ModuleActivity.Kind.WATCH, title="Content to watch")
    world.programme, world.module, world.mentor_module = programme, module, mentor_module
    start = dt.date(2026, 9, 2)
    world.ects = {}
    for tenant, school, user, key in (
        (world.tenant_a, world.school_a1, world.people[Role.ECT], "own"),
        (world.tenant_a, world.school_a2, sibling_ect_user, "sibling"),
        (world.tenant_b, world.school_b1, world.outsiders[Role.ECT], "other"),
    ):
        cohort = CohortFactory(tenant=tenant, name=f"Cohort {key}", programme=programme, mentor_programme=mentor_programme)
        ect = ECT.objects.create(tenant=tenant, user=user, induction_start=start, cohort=cohort)
        ECTAtSchool.objects.create(tenant=tenant, ect=ect, school=school, started_on=start)
        world.ects[key] = ect
    for tenant, school, user, key in (
        (world.tenant_a, world.school_a1, world.people[Role.MENTOR], "own"),
        (world.tenant_b, world.school_b1, world.outsiders[Role.MENTOR], "other"),
    ):
        mentor = Mentor.objects.create(tenant=tenant, user=user, cohort=world.ects[key].cohort)
        MentorAtSchool.objects.create(tenant=tenant, mentor=mentor, school=school, started_on=start)
        Mentorship.objects.create(tenant=tenant, ect=world.ects[key], mentor=mentor, started_on=start)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client signed in as that person."""

    def sign_in(user):
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return client

    return sign_in
