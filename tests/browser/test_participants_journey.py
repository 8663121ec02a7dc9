"""The induction tutor invites an ECT and a mentor; the ECT accepts, sets up an account
and completes onboarding; the tutor pairs them, then changes the mentor, and the ECT's
history shows both mentorships with their dates. Every page checked with axe at
desktop and phone widths."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.axe import check_all_viewports
from tests.browser.journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUTOR = "tutor.northshire-s1@demo.ectalign.test"
SCHOOL = "Ashcombe Primary School"


def _invitation_path(email):
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    return "/" + re.search(r"https?://[^/\s]+/(participants/invitation/[^/\s]+/)", message.body).group(1)


def _open_participants(page):
    page.goto("/")
    page.get_by_role("link", name="ECTs and mentors", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ECTs and mentors")


@pytest.fixture
def monday_23_november(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 11, 23))


def test_invite_accept_onboard_pair_and_change_mentor(page, live_server, demo_accounts, monday_23_november):
    sign_in(page, TUTOR)
    _open_participants(page)
    check_all_viewports(page, context="participant list")

    # A new mentor.
    page.get_by_role("link", name="Register a mentor").click()
    page.get_by_label("Full name").fill("Marta Kowalczyk")
    page.get_by_label("E-mail address").fill("marta.k@example.org")
    page.get_by_label("New mentor").check()
    page.get_by_label("Mentoring at this school from").fill("2026-09-01")
    check_all_viewports(page, context="register a mentor")
    page.get_by_role("button", name="Register and send the invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Marta Kowalczyk")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("e-mailed them an invitation")

    # A new ECT; a malformed TRN is refused beside its field first.
    _open_participants(page)
    page.get_by_role("link", name="Register an ECT").click()
    page.get_by_label("Full name").fill("Jamal Ade")
    page.get_by_label("E-mail address").fill("jamal.ade@example.org")
    page.get_by_label("Teacher reference number (TRN)").fill("12")
    page.get_by_label("Induction start date").fill("2026-09-02")
    page.get_by_label("Cohort").select_option(label="September 2026")
    page.get_by_role("button", name="Register and send the invitation").click()
    expect(page.locator("#id_trn_error")).to_contain_text("5 to 7 digits")
    check_all_viewports(page, context="register an ECT with an error")
    page.get_by_label("Teacher reference number (TRN)").fill("RP 55/123")
    page.get_by_role("button", name="Register and send the invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jamal Ade")
    expect(page.get_by_text("0055123")).to_be_visible()
    check_all_viewports(page, context="ECT page, invited")

    # The ECT opens the link, sets up an account and completes onboarding.
    page.context.clear_cookies()
    page.goto(_invitation_path("jamal.ade@example.org"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {SCHOOL} as early career teacher")
    check_all_viewports(page, context="accept invitation")
    page.get_by_label("Choose a password").fill("three unrelated words here")
    page.get_by_label("Type the password again").fill("three unrelated words here")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("onboarding")
    check_all_viewports(page, context="onboarding form")
    page.get_by_role("radio", name="Primary").check()
    page.get_by_label("Which subject do you teach?").fill("General primary")
    page.get_by_role("radio", name="Full time").check()
    prefer_not = page.get_by_role("radio", name="Prefer not to say")
    for i in range(prefer_not.count()):
        prefer_not.nth(i).check()
    page.get_by_label("I accept these terms").check()
    page.get_by_role("button", name="Complete your onboarding").click()
    expect(page.locator(".govuk-notification-banner").first).to_be_visible()

    # The tutor pairs them, then changes the mentor.
    page.context.clear_cookies()
    sign_in(page, TUTOR)
    _open_participants(page)
    expect(page.locator(".app-prompts")).to_contain_text("Jamal Ade has no mentor.")
    page.get_by_role("region", name="Early career teachers").get_by_role("link", name="Jamal Ade").click()
    page.get_by_label("Mentor", exact=True).select_option(label="Marta Kowalczyk")
    page.get_by_label("Mentoring from").fill("2026-09-07")
    page.get_by_role("button", name="Pair").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Marta Kowalczyk mentors Jamal Ade from 7 September 2026")

    other_mentor = page.get_by_label("Mentor", exact=True).locator("option").nth(1).inner_text()
    if other_mentor == "Marta Kowalczyk":
        other_mentor = page.get_by_label("Mentor", exact=True).locator("option").nth(2).inner_text()
    page.get_by_label("Mentor", exact=True).select_option(label=other_mentor)
    page.get_by_label("Mentoring from").fill("2027-01-04")
    page.get_by_role("button", name="Change mentor").click()
    history = page.locator(".app-timeline")
    expect(history).to_contain_text("7 September 2026: Mentored by Marta Kowalczyk from this date")
    expect(history).to_contain_text("3 January 2027: Last day mentored by Marta Kowalczyk")
    expect(history).to_contain_text(f"4 January 2027: Mentored by {other_mentor} from this date")
    check_all_viewports(page, context="ECT page with two mentorships")

    # On 23 November the list shows Jamal active, still with Marta until January.
    _open_participants(page)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Jamal Ade"))
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("Marta Kowalczyk")
