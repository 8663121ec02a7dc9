"""Tenancy core: the active membership, tenant scoping and access helpers.

A tenant is a delivery partner. Every tenant-owned model derives from ``TenantOwned``,
whose default manager is a django-scopes ``ScopedManager``: a query made outside an
open scope raises ``ScopeError`` instead of silently reading every tenant. The scope is
opened in exactly two places: ``TenancyMiddleware`` for requests and
``ectalign.tasks.TenantTask`` for Celery. Work that spans tenants says so with
``scopes_disabled()``.
"""

from contextlib import contextmanager

from django.db import models
from django_scopes import ScopedManager, scope, scopes_disabled

SESSION_KEY = "active_membership_id"

# A scope value of None means "no filter" in django-scopes; an empty list means "no
# tenant", so a request without an active membership reads nothing tenant-owned.
NO_TENANT = []


class TenantOwned(models.Model):
    """Abstract base for every row that belongs to one delivery partner."""

    tenant = models.ForeignKey("schools.Tenant", on_delete=models.CASCADE, related_name="+")

    objects = ScopedManager(tenant="tenant")

    class Meta:
        abstract = True


def tenant_owned_models():
    """Every concrete model carrying a tenant through ``TenantOwned``."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, TenantOwned)]


@contextmanager
def tenant_scope(tenant_id):
    """Open the scope of one tenant (by id) for a block of work."""
    with scope(tenant=tenant_id if tenant_id is not None else NO_TENANT):
        yield


def memberships_for(user):
    """The active memberships of a person across tenants. Crosses tenants on purpose:
    a person's own memberships decide which tenant they may enter."""
    from schools.models import Membership

    if not user.is_authenticated:
        return []
    with scopes_disabled():
        return list(
            Membership.objects.filter(user=user, is_active=True, tenant__is_active=True)
            .select_related("tenant", "school")
            .order_by("tenant__name", "school__name", "role")
        )


def resolve_active_membership(request, memberships):
    wanted = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.pk == wanted:
            return membership
    return memberships[0] if memberships else None


def activate_membership(request, membership):
    request.session[SESSION_KEY] = membership.pk


class TenancyMiddleware:
    """Resolve the person's active membership and run the view inside its tenant.

    Sets ``request.memberships``, ``request.membership``, ``request.tenant``,
    ``request.school`` and ``request.role``. Platform superusers in the admin work
    across tenants (scopes disabled), and only there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        memberships = memberships_for(request.user)
        membership = resolve_active_membership(request, memberships)
        request.memberships = memberships
        request.membership = membership
        request.tenant = membership.tenant if membership else None
        request.school = membership.school if membership else None
        request.role = membership.role if membership else None

        from django.urls import reverse

        if request.user.is_authenticated and request.user.is_superuser and request.path.startswith(
            reverse("admin:index")
        ):
            with scopes_disabled():
                return self.get_response(request)
        with tenant_scope(request.tenant.pk if request.tenant else None):
            return self.get_response(request)
