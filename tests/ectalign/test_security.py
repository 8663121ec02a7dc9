"""The security baseline: headers, sessions, rate limits, MFA for staff, history, CSV."""

import datetime as dt
import io
import time

import pytest
from django.urls import reverse

from ectalign.csv import escape_cell, write_rows
from ectalign.security import LOGIN_TIME_KEY
from schools.models import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_pages_carry_the_security_headers(world, client_for):
    response = client_for(world.user(Role.ECT)).get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_personal_pages_are_never_cached(world, client_for):
    response = client_for(world.user(Role.ECT)).get(reverse("home"))
    assert response["Cache-Control"] == "no-store"


def test_templates_contain_no_inline_script(world, client_for):
    for role in (Role.ECT, Role.DP_STAFF, Role.INDUCTION_TUTOR):
        html = client_for(world.user(role)).get(reverse("home")).content.decode()
        scripts = [chunk.split(">", 1)[0] for chunk in html.split("<script")[1:]]
        assert scripts and all("src=" in attrs for attrs in scripts), scripts


def test_session_key_rotates_at_sign_in(world, client):
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("account_login"), {"login": world.user(Role.ECT).email, "password": PASSWORD})
    assert client.session.session_key != before
    assert LOGIN_TIME_KEY in client.session


def test_idle_timeout_is_renewed_while_the_person_works(settings, world, client_for):
    from django.contrib.sessions.models import Session

    from ectalign.security import RENEWED_KEY

    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT_SECONDS
    client = client_for(world.user(Role.ECT))
    session = client.session
    session[RENEWED_KEY] = time.time() - settings.SESSION_RENEW_SECONDS - 1
    # The idle timeout has passed: the session's expiry lies in the past.
    session.set_expiry(dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1))
    session.save()
    assert not Session.objects.filter(session_key=session.session_key, expire_date__gt=dt.datetime.now(dt.timezone.utc)).exists()
    response = client.get(reverse("home"))
    assert response.status_code == 302  # an expired session is not renewed: sign in again
    client = client_for(world.user(Role.ECT))
    session = client.session
    session[RENEWED_KEY] = time.time() - settings.SESSION_RENEW_SECONDS - 1
    session.save()
    response = client.get(reverse("home"))
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_IDLE_TIMEOUT_SECONDS
    assert response.cookies["sessionid"]["httponly"]
    # Within the renewal interval nothing is written.
    assert "sessionid" not in client.get(reverse("home")).cookies


def test_session_ends_after_its_absolute_lifetime(settings, world, client_for):
    client = client_for(world.user(Role.ECT))
    session = client.session
    session[LOGIN_TIME_KEY] = time.time() - settings.SESSION_ABSOLUTE_LIFETIME_SECONDS - 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("home")).status_code == 302  # signed out, not just redirected


def test_a_recent_session_is_kept(settings, world, client_for):
    client = client_for(world.user(Role.ECT))
    session = client.session
    session[LOGIN_TIME_KEY] = time.time() - settings.SESSION_ABSOLUTE_LIFETIME_SECONDS + 60
    session.save()
    assert client.get(reverse("home")).status_code == 200


def test_deactivating_a_user_ends_all_their_sessions(world, client, django_user_model):
    from django.test import Client

    user = world.user(Role.MENTOR)
    phone, laptop = Client(), Client()
    for c in (phone, laptop):
        c.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        assert c.get(reverse("home")).status_code == 200
    user.is_active = False
    user.save()
    for c in (phone, laptop):
        assert c.get(reverse("home")).status_code == 302


class FakeClock:
    def __init__(self):
        self.now = time.time()

    def time(self):
        return self.now

    def monotonic(self):
        return time.monotonic()

    def sleep(self, seconds):
        self.now += seconds


def test_failed_sign_ins_are_rate_limited_and_the_limit_lifts(world, client, monkeypatch):
    import allauth.core.internal.ratelimit as ratelimit

    clock = FakeClock()
    monkeypatch.setattr(ratelimit, "time", clock)
    user = world.user(Role.ECT)
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
        assert "Too many failed login attempts" not in response.content.decode()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    clock.now += 6 * 60  # the 5-per-5-minutes window has passed
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_sign_in_code_requests_are_rate_limited(world, monkeypatch):
    from django.core import mail
    from django.test import Client

    import allauth.core.internal.ratelimit as ratelimit

    monkeypatch.setattr(ratelimit, "time", FakeClock())
    email = world.user(Role.ECT).email
    # A fresh browser session each time, as someone hammering the form would use.
    responses = [Client().post(reverse("account_request_login_code"), {"email": email}) for _ in range(5)]
    assert [r.status_code for r in responses[:3]] == [302, 302, 302]
    for refused in responses[3:]:
        assert refused.status_code == 200
        assert "Too many failed login attempts. Try again later." in refused.content.decode()
    assert len(mail.outbox) == 3  # the per-address limit: 3 a minute


def test_password_reset_requests_are_rate_limited(world, client):
    from django.core import mail

    email = world.user(Role.ECT).email
    statuses = [client.post(reverse("account_reset_password"), {"email": email}).status_code for _ in range(7)]
    assert 429 in statuses
    assert len(mail.outbox) == 5


def test_admin_sign_in_goes_through_the_rate_limited_form(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_must_set_up_totp_outside_demo_mode(settings, world, client_for):
    settings.REQUIRE_STAFF_MFA = True
    client = client_for(world.user(Role.DP_STAFF))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_staff_with_totp_reach_the_admin(settings, world, client_for):
    from allauth.mfa.models import Authenticator

    settings.REQUIRE_STAFF_MFA = True
    user = world.user(Role.DP_STAFF)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    assert client_for(user).get(reverse("admin:index")).status_code == 200


def test_school_roles_need_no_totp(settings, world, client_for):
    settings.REQUIRE_STAFF_MFA = True
    assert client_for(world.user(Role.ECT)).get(reverse("home")).status_code == 200


def test_admin_edits_keep_who_changed_what(world, client_for):
    school = world.school_a1
    staff = world.user(Role.DP_STAFF)
    client = client_for(staff)
    response = client.post(
        reverse("admin:schools_school_change", args=[school.pk]),
        {"urn": school.urn, "name": "Alder Primary and Nursery", "phase": "primary", "type": "maintained",
         "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302
    latest = school.history.latest()
    assert latest.name == "Alder Primary and Nursery"
    assert latest.history_user == staff
    assert latest.prev_record.name == "Alder Primary"
    history_page = client.get(reverse("admin:schools_school_history", args=[school.pk])).content.decode()
    assert "Alder Primary and Nursery" in history_page and staff.full_name in history_page


@pytest.mark.parametrize("value", ["=SUM(A1:A2)", "+44 1234", "-2+3", "@cmd", "\tx", "\rx"])
def test_csv_escapes_cells_a_spreadsheet_would_run(value):
    assert escape_cell(value) == "'" + value
    stream = io.StringIO()
    write_rows(stream, ["Name"], [[value]])
    assert stream.getvalue().splitlines()[1].lstrip('"').startswith("'")


@pytest.mark.parametrize("value,expected", [("Ada Lovelace", "Ada Lovelace"), (42, "42"), (None, ""), ("a=b", "a=b")])
def test_csv_leaves_ordinary_cells_alone(value, expected):
    assert escape_cell(value) == expected
