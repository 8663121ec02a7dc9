"""A mentor finds a reminder in the notification centre (the header says it is unread),
marks it read and switches off the fortnightly digest; someone following the one-click
link in an e-mail, not signed in, stops one kind of message. axe at every stop."""

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from notifications.factories import NotificationFactory
from notifications.models import Kind, NotificationPreference
from notifications.preferences import unsubscribe_token
from schools.models import Role
from tests.browser.axe import check_all_viewports, check_current
from tests.browser.journey import sign_in
from tests.conftest import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_centre_preferences_and_one_click_unsubscribe(page, live_server):
    with scopes_disabled():
        world = build_world()
        mentor = world.people[Role.MENTOR]
        NotificationFactory(tenant=world.tenant_a, recipient=mentor, kind=Kind.COACHING, status="sent",
                            title="No coaching meeting logged with your ECT last week")
    sign_in(page, mentor.email, PASSWORD)
    page.get_by_role("link", name="Notifications 1 unread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your notifications")
    expect(page.get_by_role("heading", name="No coaching meeting logged with your ECT last week")).to_be_visible()
    check_all_viewports(page, context="notification centre")
    page.get_by_role("button", name=re.compile(r"^Mark as read\s*: No coaching meeting")).click()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    page.get_by_role("link", name="Choose what you receive by e-mail").click()
    check_all_viewports(page, context="preferences")
    page.get_by_label("Fortnightly digest").uncheck()
    page.get_by_role("button", name="Save").click()
    with scopes_disabled():
        assert NotificationPreference.objects.get(user=mentor, kind=Kind.DIGEST).enabled is False
    check_current(page, context="preferences saved")

    # The one-click link from an e-mail, in a browser that is not signed in.
    page.context.clear_cookies()
    token = unsubscribe_token(tenant_id=world.tenant_a.pk, user_id=mentor.pk, kind=Kind.EVENTS)
    page.goto(reverse("notifications:unsubscribe", args=[token]))
    check_all_viewports(page, context="unsubscribe")
    page.get_by_role("button", name="Stop these e-mails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mails stopped")
    check_current(page, context="unsubscribed")
    with scopes_disabled():
        assert NotificationPreference.objects.get(user=mentor, kind=Kind.EVENTS).enabled is False
        # Only that kind: coaching reminders still come.
        assert NotificationPreference.objects.get(user=mentor, kind=Kind.COACHING).enabled is True
