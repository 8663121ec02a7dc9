"""Who wants which kind of message, and the signed one-click unsubscribe token.

Preferences are opt-out: no row means on. Essential kinds (sign-in codes, invitations)
are always on and cannot be switched off. The unsubscribe token is signed with
``django.core.signing`` and names the person, the delivery partner and one kind: it
needs no sign-in and switches off only that kind.
"""

from django.core import signing
from django.db import transaction
from django.urls import reverse

from notifications.models import ESSENTIAL_KINDS, Kind, NotificationPreference

SALT = "notifications.unsubscribe"


class PreferenceError(Exception):
    pass


def is_enabled(*, tenant_id, user_id, kind):
    if kind in ESSENTIAL_KINDS:
        return True
    return not NotificationPreference.objects.filter(
        tenant_id=tenant_id, user_id=user_id, kind=kind, enabled=False
    ).exists()


def preferences_of(*, tenant_id, user_id):
    """[(kind, label, enabled, essential)] for every kind."""
    off = set(
        NotificationPreference.objects.filter(tenant_id=tenant_id, user_id=user_id, enabled=False).values_list(
            "kind", flat=True
        )
    )
    return [(kind, label, kind in ESSENTIAL_KINDS or kind not in off, kind in ESSENTIAL_KINDS) for kind, label in
            Kind.choices]


def set_preference(*, tenant_id, user_id, kind, enabled):
    if kind not in Kind.values:
        raise PreferenceError("Unknown kind of message.")
    if kind in ESSENTIAL_KINDS and not enabled:
        raise PreferenceError(f"{Kind(kind).label} are always sent: you need them to use your account.")
    with transaction.atomic():
        NotificationPreference.objects.update_or_create(
            tenant_id=tenant_id, user_id=user_id, kind=kind, defaults={"enabled": enabled}
        )


def unsubscribe_token(*, tenant_id, user_id, kind):
    return signing.dumps({"t": tenant_id, "u": user_id, "k": kind}, salt=SALT, compress=True)


def read_token(token):
    """(tenant_id, user_id, kind) or None for a token that is not ours."""
    try:
        data = signing.loads(token, salt=SALT)
        return int(data["t"]), int(data["u"]), Kind(data["k"]).value
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_url(*, tenant_id, user_id, kind):
    from django.conf import settings

    token = unsubscribe_token(tenant_id=tenant_id, user_id=user_id, kind=kind)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])
