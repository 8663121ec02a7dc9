"""Writes for delivery partners, schools and memberships."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from schools.models import Membership, Role


class SchoolsError(Exception):
    """A change to schools or memberships that cannot be made, with a message a
    person can act on."""


@transaction.atomic
def add_membership(*, actor, tenant, email, role, school=None, full_name=""):
    """Give a person (created if new, by e-mail) a role in the tenant. An existing
    account gets a new membership, never a second account."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=full_name.strip())
    elif full_name and not user.full_name:
        user.full_name = full_name.strip()
        user.save(update_fields=["full_name"])
    if school is not None and school.tenant_id != tenant.pk:
        raise SchoolsError("That school belongs to another delivery partner.")
    existing = Membership.objects.filter(user=user, tenant=tenant, school=school, role=role)
    if existing.exists():
        where = school.name if school is not None else tenant.name
        raise SchoolsError(
            f"{email} already holds this role ({Role(role).label.lower()}) at {where}: "
            "find them in the list instead of adding them again."
        )
    membership = Membership(user=user, tenant=tenant, school=school, role=role)
    try:
        membership.full_clean()
    except ValidationError as exc:
        raise SchoolsError(" ".join(exc.messages)) from exc
    membership.save()
    return membership
