"""Invitations: the e-mailed link that lets a registered person set up their account
and take up the membership they were registered for.

Registering a person (``participants.services.register_ect`` and friends, or the CSV
import) creates their membership inactive and calls ``invite``. The membership, and so
the tenant and school, is fixed before any e-mail leaves: accepting can only switch on
that membership, so a link can never grant a place in another tenant or school than
the inviter's. Only a hash of the link's token is stored.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from ectalign.mail import send_email
from participants.models import Invitation
from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES

INVITATION_VALID_DAYS = 14


class InvitationError(Exception):
    """An invitation that cannot be made, sent or accepted, with a message a person can act on."""


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def can_invite(inviter, membership):
    """Delivery partner staff invite into their own tenant; school leaders into their
    own school; nobody else invites."""
    if inviter is None or inviter.tenant_id != membership.tenant_id:
        return False
    if inviter.role in DELIVERY_PARTNER_ROLES:
        return True
    return inviter.role in SCHOOL_LEADER_ROLES and membership.school_id == inviter.school_id


def _check_inviter(inviter, membership):
    if not can_invite(inviter, membership):
        raise InvitationError("You can only invite people to your own school.")


def _send(invitation, token):
    membership = invitation.membership
    send_email(
        to=invitation.email,
        template="invitation",
        context={
            "invitation": invitation,
            "membership": membership,
            "link": reverse("participants:accept_invitation", kwargs={"token": token}),
            "expires_on": timezone.localtime(invitation.expires_at).date(),
        },
    )


def _new_token(invitation, now):
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + dt.timedelta(days=INVITATION_VALID_DAYS)
    return token


@transaction.atomic
def invite(*, inviter, membership):
    """Invite the person behind an inactive ``membership`` by e-mail."""
    _check_inviter(inviter, membership)
    if membership.is_active:
        raise InvitationError(f"{membership.user} already has access: they can sign in now.")
    if Invitation.objects.filter(membership=membership, accepted_at__isnull=True, revoked_at__isnull=True).exists():
        raise InvitationError(f"{membership.user} has already been invited: send the invitation again instead.")
    now = timezone.now()
    invitation = Invitation(
        tenant_id=membership.tenant_id, membership=membership, email=membership.user.email,
        invited_by=inviter.user,
    )
    token = _new_token(invitation, now)
    invitation.save()
    _send(invitation, token)
    return invitation


@transaction.atomic
def resend(*, inviter, invitation):
    """Send a fresh link (the old one stops working) valid for another full period."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk, tenant=invitation.tenant_id)
    _check_inviter(inviter, invitation.membership)
    if not invitation.is_pending:
        raise InvitationError("This invitation has been accepted or withdrawn: there is nothing to send again.")
    token = _new_token(invitation, timezone.now())
    invitation.times_sent += 1
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "times_sent"])
    _send(invitation, token)
    return invitation


@transaction.atomic
def revoke(*, inviter, invitation):
    """Withdraw an invitation: its link stops working; the person's registration stays."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk, tenant=invitation.tenant_id)
    _check_inviter(inviter, invitation.membership)
    if not invitation.is_pending:
        raise InvitationError("This invitation has already been accepted or withdrawn.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


@dataclass(frozen=True)
class Opened:
    """What opening a link finds: the invitation, and what the visitor must do next."""

    invitation: Invitation
    # "set_up" (a new person chooses a password), "sign_in" (an existing account must
    # sign in first), "confirm" (signed in as the invited person).
    next_step: str


def open_link(*, token, user):
    """Find the invitation behind a link and check it may be used by this visitor.
    Crosses tenants on purpose: the token, not a membership, identifies it."""
    with scopes_disabled():
        invitation = (
            Invitation.objects.select_related("membership__user", "membership__school", "membership__tenant", "invited_by")
            .filter(token_hash=_hash(token))
            .first()
        )
    if invitation is None:
        raise InvitationError(
            "This invitation link is not valid. It may have been replaced by a newer one: "
            "use the link in the most recent e-mail, or ask your induction tutor to send it again."
        )
    if invitation.revoked_at is not None:
        raise InvitationError("This invitation was withdrawn. Ask your induction tutor if you think this is a mistake.")
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation has already been used. Sign in with your e-mail address instead.")
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            f"This invitation expired on {timezone.localtime(invitation.expires_at):%-d %B %Y}. "
            "Ask your induction tutor to send it again."
        )
    invited = invitation.membership.user
    if user.is_authenticated:
        if user.pk != invited.pk:
            raise InvitationError(
                f"You are signed in as {user.email}, but this invitation is for {invitation.email}. "
                "Sign out, then open the link again."
            )
        return Opened(invitation, "confirm")
    return Opened(invitation, "sign_in" if invited.has_usable_password() else "set_up")


@transaction.atomic
def accept(*, token, user, full_name="", password=None):
    """Accept an invitation: switch on its membership, and for a new person set their
    name and password. Returns the membership."""
    opened = open_link(token=token, user=user)
    invitation = Invitation.objects.select_for_update().get(pk=opened.invitation.pk, tenant=opened.invitation.tenant_id)
    if not invitation.is_pending:
        raise InvitationError("This invitation has already been used. Sign in with your e-mail address instead.")
    invited = get_user_model().objects.get(pk=invitation.membership.user_id)
    if opened.next_step == "sign_in":
        raise InvitationError("You already have an account: sign in, then open the link again.")
    if opened.next_step == "set_up":
        if not password:
            raise InvitationError("Choose a password.")
        invited.set_password(password)
        if full_name.strip():
            invited.full_name = full_name.strip()
        invited.save()
    membership = invitation.membership
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership
