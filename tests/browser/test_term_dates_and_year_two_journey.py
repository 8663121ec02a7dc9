"""The induction tutor's term dates (and a refused amendment), and a year-2 ECT's
diagnostic and action plan: each page checked with axe at desktop and phone widths."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.axe import check_all_viewports
from tests.browser.journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUTOR = "tutor.northshire-s1@demo.ectalign.test"
YEAR_TWO_ECT = "ect3.northshire-s1@demo.ectalign.test"


@pytest.fixture
def monday_23_november(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 11, 23))


def test_tutor_sees_term_dates_and_a_backwards_term_is_refused_beside_its_field(
    page, live_server, demo_accounts, monday_23_november
):
    sign_in(page, TUTOR)
    page.get_by_role("link", name="Term dates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Term dates")
    check_all_viewports(page, context="term dates")

    section = page.locator("section").filter(has=page.get_by_role("heading", level=2)).first
    section.locator(".govuk-details__summary").click()
    autumn = section.locator("fieldset").filter(has_text="Autumn term").first
    autumn.get_by_label("First day", exact=True).fill("2026-12-18")
    autumn.get_by_label("Last day", exact=True).fill("2026-09-02")
    section.get_by_role("button", name="Save the").click()

    expect(page.locator(".govuk-error-summary").first).to_be_visible()
    expect(page.locator(".govuk-error-message").first).to_be_visible()
    check_all_viewports(page, context="term dates with an error")


def test_year_two_ect_takes_the_diagnostic_and_sees_the_action_plan(
    page, live_server, demo_accounts, monday_23_november
):
    sign_in(page, YEAR_TWO_ECT)
    page.goto("/self-study/")
    page.get_by_role("link", name="Take the year 2 diagnostic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Year 2 diagnostic")
    check_all_viewports(page, context="diagnostic")

    # Submitting with nothing chosen names every unanswered question.
    page.get_by_role("button", name="Save your answers").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose an answer to question 1")
    check_all_viewports(page, context="diagnostic with errors")

    radios = page.get_by_role("radio", name="Not yet: I want to revisit this")
    for i in range(radios.count()):
        radios.nth(i).check()
    page.get_by_role("button", name="Save your answers").click()
    expect(page.get_by_text("Your diagnostic answers are saved.")).to_be_visible()
    check_all_viewports(page, context="diagnostic saved")

    page.goto("/self-study/action-plan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your year 2 action plan")
    check_all_viewports(page, context="action plan")
