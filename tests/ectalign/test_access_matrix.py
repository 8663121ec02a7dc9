"""Every route x anonymous and every role x own school / sibling school / other tenant."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import ALL_ROLES, PLACES, ROUTES, THIRD_PARTY_PREFIXES, ObjectScoped, Public, RoleGated, SignedIn

pytestmark = pytest.mark.django_db


def walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if p.namespace and namespace:
                ns = f"{namespace}:{p.namespace}"
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name


def project_routes():
    for route, name in walk(get_resolver().url_patterns):
        if any(route.startswith(prefix) for prefix in THIRD_PARTY_PREFIXES):
            continue
        if route.startswith("static/") or route.startswith("^static/"):
            continue
        yield route, name


def test_every_route_is_classified():
    unclassified = [f"{route} (name={name!r})" for route, name in project_routes() if name not in ROUTES]
    assert not unclassified, "Classify these routes in tests/access.py: " + ", ".join(unclassified)


def test_classification_lists_no_stale_routes():
    names = {name for _, name in project_routes()}
    assert set(ROUTES) <= names, f"tests/access.py lists routes that no longer exist: {set(ROUTES) - names}"


def _public_kwargs(spec, world):
    return spec.kwargs(world) if isinstance(spec, Public) and spec.kwargs else {}


def _request(client, spec, url, data=None):
    method = getattr(spec, "method", "get")
    return client.post(url, data or {}) if method == "post" else client.get(url)


def _cases():
    for name, spec in ROUTES.items():
        yield pytest.param(name, spec, id=name)


@pytest.mark.parametrize("name,spec", list(_cases()))
def test_anonymous(world, client, name, spec):
    if isinstance(spec, ObjectScoped):
        kwargs = spec.kwargs(world, "own", "ect")
        data = spec.data(world, "own", "ect") if spec.data else None
    else:
        kwargs, data = _public_kwargs(spec, world), None
    url = reverse(name, kwargs=kwargs)
    response = _request(client, spec, url, data)
    if isinstance(spec, Public):
        assert response.status_code == spec.status
    else:
        assert response.status_code == 302, f"{name}: anonymous got {response.status_code}"
        assert response["Location"].startswith(reverse("account_login"))


def _check_role(world, client, name, spec, role):
    if isinstance(spec, ObjectScoped):
        failures = []
        for place in PLACES:
            kwargs = spec.kwargs(world, place, role)
            data = spec.data(world, place, role) if spec.data else None
            response = _request(client, spec, reverse(name, kwargs=kwargs), data)
            expected = spec.expected(role, place)
            if response.status_code != expected:
                failures.append(f"{name} as {role} at {place}: {response.status_code}, expected {expected}")
        return failures
    response = _request(client, spec, reverse(name, kwargs=_public_kwargs(spec, world)))
    if isinstance(spec, (Public, SignedIn)):
        expected = spec.status
    elif isinstance(spec, RoleGated):
        expected = 200 if role in spec.roles else 403
    else:  # pragma: no cover - a new kind of spec must be handled here
        raise AssertionError(f"Unknown spec {spec!r}")
    return [] if response.status_code == expected else [f"{name} as {role}: {response.status_code}, expected {expected}"]


@pytest.mark.parametrize("name,spec", list(_cases()))
def test_roles(world, client_for, name, spec):
    """Every role (signed in afresh) x own school / sibling school / other tenant."""
    failures = []
    for role in sorted(ALL_ROLES):
        failures += _check_role(world, client_for(world.user(role)), name, spec, role)
    assert not failures, "\n".join(failures)
