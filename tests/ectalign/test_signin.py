"""Sign-in with allauth: password, e-mailed code, no open sign-up, reset, sign-out."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from schools.models import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_and_password_lands_on_role_home(world, client):
    user = world.user(Role.MENTOR)
    response = client.post(reverse("account_login"), {"login": user.email.upper(), "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your mentoring" in response.content.decode()


def test_wrong_password_is_refused_with_a_message(world, client):
    user = world.user(Role.ECT)
    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_by_emailed_code(world, client):
    user = world.user(Role.ECT)
    response = client.post(reverse("account_request_login_code"), {"email": user.email}, follow=True)
    assert response.status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    code = re.search(r"^\s*([A-Z0-9-]{6,12})\s*$", mail.outbox[0].body, re.M).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_there_is_no_open_sign_up(client):
    from ectalign.models import User

    response = client.post(reverse("account_signup"), {"email": "stranger@example.org", "password1": "A-long-password-123"})
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode()
    assert not User.objects.filter(email="stranger@example.org").exists()


def test_password_reset_sends_a_link_that_sets_a_new_password(world, client):
    user = world.user(Role.HEADTEACHER)
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": "A-new-long-password-42", "password2": "A-new-long-password-42"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("A-new-long-password-42")


def test_sign_out_ends_the_session(world, client_for):
    client = client_for(world.user(Role.ECT))
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
