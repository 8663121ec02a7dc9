"""The access matrix's classification of every route.

Every URL pattern of the project must be classified here (or fall under a third-party
prefix with its own test). A new route that is not classified fails
``test_every_route_is_classified``. Object-scoped routes name a factory that returns
the object's URL kwargs for an object in the own school, a sibling school of the same
tenant, and another tenant, and the expected answer for every role at each place.
"""

from dataclasses import dataclass, field
from typing import Callable

from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role

ALL_ROLES = frozenset(Role.values)
PLACES = ("own", "sibling", "other")


@dataclass(frozen=True)
class Public:
    """Reachable without signing in. ``kwargs(world)`` gives the URL kwargs of a public
    page addressed by an object that belongs to no tenant (a programme's slug)."""

    status: int = 200
    kwargs: Callable = field(default=None)


@dataclass(frozen=True)
class SignedIn:
    """Any signed-in person; anonymous is sent to sign in."""

    status: int = 200
    method: str = "get"


@dataclass(frozen=True)
class RoleGated:
    """Only the listed roles; other roles get 403."""

    roles: frozenset
    method: str = "get"


@dataclass(frozen=True)
class ObjectScoped:
    """Addressed by an object: ``kwargs(world, place, role)`` gives the URL kwargs (or
    POST data with ``method='post'``) for the object at ``place``; ``expected(role,
    place)`` the answer."""

    kwargs: Callable
    expected: Callable
    method: str = "get"
    data: Callable = field(default=None)


def school_for(world, place):
    return {"own": world.school_a1, "sibling": world.school_a2, "other": world.school_b1}[place]


def school_page_expected(role, place):
    if role in DELIVERY_PARTNER_ROLES:
        return 200 if place in ("own", "sibling") else 404
    if role in SCHOOL_LEADER_ROLES:
        return 200 if place == "own" else 404
    return 404


def membership_for(world, place, role):
    """The role's own membership ("own"), someone else's in the same tenant
    ("sibling") and someone's in another tenant ("other")."""
    if place == "own":
        return world.memberships[role]
    if place == "sibling":
        other_role = Role.ECT if role != Role.ECT else Role.MENTOR
        return world.memberships[other_role]
    return world.outsiders[role].memberships.first()


def public_programme(world):
    """A programme with one module: programmes are global, the same for every place."""
    from programme.factories import ModuleFactory

    return {"slug": ModuleFactory().programme.slug}


ROUTES = {
    "programme:list": Public(),
    "programme:detail": Public(kwargs=public_programme),
    "home": SignedIn(),
    "healthz": Public(),
    "bench_baseline": Public(),
    "schools:list": RoleGated(DELIVERY_PARTNER_ROLES),
    "schools:detail": ObjectScoped(
        kwargs=lambda world, place, role: {"pk": school_for(world, place).pk},
        expected=school_page_expected,
    ),
    "switch_membership": ObjectScoped(
        kwargs=lambda world, place, role: {},
        data=lambda world, place, role: {"membership": membership_for(world, place, role).pk},
        expected=lambda role, place: 302 if place == "own" else 404,
        method="post",
    ),
}

# Routes included from third-party URL sets, each covered by its own tests:
# allauth's sign-in pages (tests/ectalign/test_signin.py, test_security.py) and the
# admin (the admin matrix in tests/ectalign/test_admin_matrix.py).
THIRD_PARTY_PREFIXES = {
    "accounts/": "allauth sign-in, sign-out, password reset and MFA pages",
    "admin/": "Django admin: see the admin matrix",
}
