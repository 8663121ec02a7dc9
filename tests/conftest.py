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

    cache.clear()
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
    MembershipFactory(user__email="a2-ect@example.org", tenant=tenant_a, school=a2, role=Role.ECT)
    return world


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
