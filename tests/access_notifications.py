"""Access-matrix entries (see tests/access.py): the notification centre, preferences
and the public one-click unsubscribe."""

from tests.access import ObjectScoped, Public, SignedIn


def _notification(world, place, role):
    """The role's own notification ("own"), another person's in the same tenant
    ("sibling") and one in another tenant ("other")."""
    from notifications.factories import NotificationFactory
    from schools.models import Role

    if place == "own":
        user, tenant = world.people[role], world.tenant_a
    elif place == "sibling":
        user, tenant = world.people[Role.ECT if role != Role.ECT else Role.MENTOR], world.tenant_a
    else:
        user, tenant = world.outsiders[role], world.tenant_b
    return {"pk": NotificationFactory(tenant=tenant, recipient=user).pk}


def _unsubscribe(world):
    from notifications.models import Kind
    from notifications.preferences import unsubscribe_token
    from schools.models import Role

    return {"token": unsubscribe_token(tenant_id=world.tenant_a.pk, user_id=world.people[Role.ECT].pk,
                                       kind=Kind.DIGEST)}


ROUTES = {
    "notifications:centre": SignedIn(),
    "notifications:preferences": SignedIn(),
    "notifications:mark_all_read": SignedIn(status=302, method="post"),
    "notifications:mark_read": ObjectScoped(
        kwargs=_notification, expected=lambda role, place: 302 if place == "own" else 404, method="post",
    ),
    # Token-based, no sign-in: the signed token names the person, the tenant and one kind.
    "notifications:unsubscribe": Public(kwargs=_unsubscribe),
}
