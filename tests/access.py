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


def ect_page_expected(role, place):
    """An ECT's training record: their mentor now, their school's leaders, and the
    delivery partner's staff; the ECT themselves has their own page instead."""
    if role in DELIVERY_PARTNER_ROLES:
        return 200 if place in ("own", "sibling") else 404
    if role in SCHOOL_LEADER_ROLES or role == Role.MENTOR:
        return 200 if place == "own" else 404
    return 403


def course_progress_expected(role, place):
    if role in DELIVERY_PARTNER_ROLES or role in SCHOOL_LEADER_ROLES:
        return school_page_expected(role, place)
    return 403


def own_module(world, place, role):
    """A module of the participant's own path ("own"), of a programme they do not
    follow ("sibling": the other audience's), or of an unrelated programme ("other")."""
    from programme.factories import ModuleFactory

    mine, theirs = (world.mentor_module, world.module) if role == Role.MENTOR else (world.module, world.mentor_module)
    if place == "own":
        return {"module_id": mine.pk}
    if place == "sibling":
        return {"module_id": theirs.pk}
    return {"module_id": ModuleFactory().pk}


def save_module_expected(role, place):
    if role in (Role.ECT, Role.MENTOR):
        return 302 if place == "own" else 404
    return 403


def public_programme(world):
    """A programme with one module: programmes are global, the same for every place."""
    from programme.factories import ModuleFactory

    return {"slug": ModuleFactory().programme.slug}


def agree_action_plan_expected(role, place):
    """Only the ECT's current mentor agrees their action plan: other roles are refused
    whatever the ECT (403); a mentor reaching an ECT they do not mentor now gets 404."""
    if role == Role.MENTOR:
        return 302 if place == "own" else 404
    return 403


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
    "schools:term_dates": ObjectScoped(
        kwargs=lambda world, place, role: {"pk": school_for(world, place).pk},
        expected=school_page_expected,
    ),
    "schools:default_term_dates": RoleGated(DELIVERY_PARTNER_ROLES),
    "self_study:mine": RoleGated(frozenset({Role.ECT})),
    "self_study:path": RoleGated(frozenset({Role.ECT})),
    "self_study:mentor_programme": RoleGated(frozenset({Role.MENTOR})),
    "self_study:save_module": ObjectScoped(kwargs=own_module, expected=save_module_expected, method="post"),
    "self_study:ect": ObjectScoped(
        kwargs=lambda world, place, role: {"pk": world.ects[place].pk}, expected=ect_page_expected,
    ),
    "self_study:course_progress": ObjectScoped(
        kwargs=lambda world, place, role: {"pk": school_for(world, place).pk}, expected=course_progress_expected,
    ),
    "switch_membership": ObjectScoped(
        kwargs=lambda world, place, role: {},
        data=lambda world, place, role: {"membership": membership_for(world, place, role).pk},
        expected=lambda role, place: 302 if place == "own" else 404,
        method="post",
    ),
    "self_study:diagnostic": RoleGated(frozenset({Role.ECT})),
    "self_study:action_plan": RoleGated(frozenset({Role.ECT})),
    "self_study:ect_action_plan": ObjectScoped(
        kwargs=lambda world, place, role: {"pk": world.ects[place].pk}, expected=ect_page_expected,
    ),
    "self_study:agree_action_plan": ObjectScoped(
        kwargs=lambda world, place, role: {"pk": world.ects[place].pk}, expected=agree_action_plan_expected,
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


# The participants issue's routes, kept in their own modules so each part's entries
# live beside each other. Imported last: they use the helpers above.
from tests import (  # noqa: E402
    access_changes, access_coaching, access_dashboard, access_events, access_import, access_induction,
    access_onboarding,
    access_notifications, access_participants, access_partner, access_reporting,
)

for _module in (
    access_participants, access_import, access_onboarding, access_changes, access_coaching, access_events,
    access_reporting, access_dashboard, access_partner, access_notifications, access_induction,
):
    overlap = ROUTES.keys() & _module.ROUTES.keys()
    assert not overlap, f"routes classified twice: {overlap}"
    ROUTES.update(_module.ROUTES)
