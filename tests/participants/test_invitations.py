"""Invitations: registering e-mails a link; the link sets up or links the account and
switches on exactly the membership it was made for."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from participants import invitations, services
from participants.invitations import InvitationError
from participants.models import Invitation
from schools.models import Membership, Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _path(message):
    url = re.search(r"https?://\S+/participants/invitation/[^/\s]+/", message.body).group(0)
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def invited(world, cohort, django_capture_on_commit_callbacks):
    """A new ECT registered at A1 by its induction tutor: the e-mail and the record."""
    with django_capture_on_commit_callbacks(execute=True):
        ect = services.register_ect(
            actor=world.user("induction_tutor"), inviter=world.memberships["induction_tutor"], school=world.school_a1,
            email="Zoe.New@Example.org", full_name="Zoë New", induction_start=dt.date(2026, 9, 2), cohort=cohort,
        )
    assert len(mail.outbox) == 1
    return ect, mail.outbox[0]


def test_registering_with_an_inviter_emails_one_link_and_holds_the_membership(world, invited):
    ect, message = invited
    assert message.to == ["zoe.new@example.org"]
    assert "Alder Primary" in message.subject
    assert "/participants/invitation/" in message.body
    membership = Membership.objects.get(user=ect.user, role=Role.ECT)
    assert membership.is_active is False
    assert not ect.user.has_usable_password()
    # Only a hash of the token is kept.
    token = _path(message).rstrip("/").rsplit("/", 1)[-1]
    assert not Invitation.objects.filter(token_hash__contains=token).exists()


def test_a_new_person_sets_up_their_account_and_lands_signed_in(world, client, invited):
    ect, message = invited
    path = _path(message)
    page = client.get(path)
    assert page.status_code == 200
    assert "Join Alder Primary as early career teacher" in page.content.decode()
    response = client.post(path, {"full_name": "Zoë New", "password1": "a long pass phrase", "password2": "a long pass phrase"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=ect.user, role=Role.ECT)
    assert membership.is_active
    ect.user.refresh_from_db()
    assert ect.user.check_password("a long pass phrase")
    assert client.get(reverse("home")).context["user"] == ect.user
    # The link is spent.
    again = client.get(path)
    assert "already been used" in again.content.decode()


def test_mismatched_passwords_are_shown_beside_the_field_and_nothing_changes(world, client, invited):
    ect, message = invited
    response = client.post(_path(message), {"full_name": "Zoë", "password1": "a long pass phrase", "password2": "another phrase"})
    assert response.status_code == 200
    assert "The two passwords are different" in response.content.decode()
    assert not Membership.objects.get(user=ect.user, role=Role.ECT).is_active


def test_an_existing_account_gets_a_new_membership_not_a_second_account(world, client_for, cohort, django_capture_on_commit_callbacks):
    tutor = world.user("induction_tutor")  # already has an account (and a password)
    tutor.set_password(PASSWORD)
    tutor.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.register_mentor(
            actor=tutor, inviter=world.memberships["induction_tutor"], school=world.school_a1, email=tutor.email.upper(),
            full_name="", started_on=dt.date(2026, 9, 1),
        )
    path = _path(mail.outbox[-1])
    anonymous = client_for(tutor)
    anonymous.logout()
    assert "Sign in to accept" in anonymous.get(path).content.decode()
    client = client_for(tutor)
    assert "Accept the invitation" in client.get(path).content.decode()
    assert client.post(path, {}).status_code == 302
    assert Membership.objects.filter(user=tutor).count() == 2
    assert Membership.objects.get(user=tutor, role=Role.MENTOR).is_active


def test_a_link_opened_while_signed_in_as_someone_else_is_refused(world, client_for, invited):
    ect, message = invited
    client = client_for(world.user("mentor"))
    page = client.get(_path(message))
    assert "You are signed in as a-mentor@example.org, but this invitation is for zoe.new@example.org" in page.content.decode()
    client.post(_path(message), {"full_name": "x", "password1": "a long pass phrase", "password2": "a long pass phrase"})
    assert not Membership.objects.get(user=ect.user, role=Role.ECT).is_active


def test_an_expired_link_says_so_and_grants_nothing(world, client, invited):
    ect, message = invited
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(_path(message))
    assert "This invitation expired on" in page.content.decode()
    client.post(_path(message), {"full_name": "x", "password1": "a long pass phrase", "password2": "a long pass phrase"})
    assert not Membership.objects.get(user=ect.user, role=Role.ECT).is_active


def test_resending_replaces_the_link_and_revoking_stops_it(world, client, client_for, invited, django_capture_on_commit_callbacks):
    ect, first = invited
    invitation = Invitation.objects.get()
    tutor = client_for(world.user("induction_tutor"))
    with django_capture_on_commit_callbacks(execute=True):
        response = tutor.post(reverse("participants:resend_invitation", args=[invitation.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    tutor.logout()
    assert client.get(_path(first)).status_code == 404  # the old link no longer works
    assert client.get(_path(mail.outbox[1])).status_code == 200
    tutor = client_for(world.user("induction_tutor"))
    tutor.post(reverse("participants:revoke_invitation", args=[invitation.pk]))
    tutor.logout()
    assert "This invitation was withdrawn" in client.get(_path(mail.outbox[1])).content.decode()
    assert Invitation.objects.get().times_sent == 2


def test_an_invitation_cannot_grant_a_place_in_another_tenant_or_school(world, cohort):
    """The inviter's membership decides: a tutor of A1 cannot register (and so invite)
    anyone at A2 or at B1, and cannot invite into another school's membership."""
    tutor = world.memberships["induction_tutor"]
    for school in (world.school_a2, world.school_b1):
        with pytest.raises(services.ParticipantError, match="your own school"):
            services.register_mentor(
                actor=tutor.user, inviter=tutor, school=school, email="x@example.org", full_name="X",
                started_on=dt.date(2026, 9, 1),
            )
    other = Membership.objects.create(
        tenant=world.tenant_b, school=world.school_b1, user=world.user("mentor"), role=Role.MENTOR, is_active=False
    )
    with pytest.raises(InvitationError):
        invitations.invite(inviter=tutor, membership=other)
    assert not Invitation.objects.exists()
    assert not Membership.objects.filter(user__email="x@example.org").exists()
