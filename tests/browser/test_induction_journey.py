"""Statutory induction: the induction tutor records a progress review from the ECT's
timeline and shares it; the ECT finds it on their own timeline, acknowledges it with a
comment and downloads the PDF, which reads back with their name and the judgement. axe
at every stop (desktop and phone)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from induction.models import ProgressReview
from schools.models import Role
from tests.browser.axe import check_all_viewports
from tests.browser.journey import sign_in_afresh
from tests.conftest import PASSWORD, build_world
from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date(2026, 12, 7)


def _pdf_text(path):
    return pdf_text(path, flat=True)


def test_tutor_records_a_review_and_the_ect_acknowledges_it(page, live_server, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    with scopes_disabled():
        world = build_world()
    ect = world.ects["own"]
    name = ect.user.full_name

    sign_in_afresh(page, world.people[Role.INDUCTION_TUTOR].email, PASSWORD)
    page.get_by_role("link", name="Statutory induction").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statutory induction")
    check_all_viewports(page, context="school's statutory induction")

    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_role("rowheader", name="Progress review, term 1")).to_be_visible()
    check_all_viewports(page, context="ECT's statutory timeline")

    page.get_by_role("link", name="Record a progress review").click()
    # A first try without a support plan for an ECT not on track: refused beside the field.
    page.get_by_label("Which review").select_option("1")
    page.get_by_label("Date held").fill("2026-12-04")
    page.get_by_role("radio", name="No").check()
    page.get_by_label("Evidence summary").fill("Two lesson observations and planning scrutiny.")
    page.get_by_label("Agreed targets").fill("Check understanding with hinge questions in every lesson.")
    page.get_by_role("button", name="Save the progress review").click()
    expect(page.locator("#id_support_plan_error")).to_contain_text("set out the support plan")
    check_all_viewports(page, context="review form with an error")
    page.get_by_role("radio", name="Yes").check()
    page.get_by_role("button", name="Save the progress review").click()
    expect(page.get_by_text("Progress review saved")).to_be_visible()

    page.get_by_role("link", name="View progress review, term 1").click()
    page.get_by_role("button", name=f"Share with {name}").click()
    expect(page.get_by_text(f"Shared with {name}")).to_be_visible()
    check_all_viewports(page, context="review record (tutor)")

    # The ECT.
    sign_in_afresh(page, world.people[Role.ECT].email, PASSWORD)
    page.get_by_role("link", name="My induction").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My statutory induction")
    check_all_viewports(page, context="ECT's own timeline")
    page.get_by_role("link", name="View progress review, term 1").click()
    expect(page.get_by_text("On track", exact=True)).to_be_visible()
    check_all_viewports(page, context="review record (ECT)")
    page.get_by_label("Your comment (optional)").fill("Agreed: I will plan hinge questions.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("you have acknowledged this record")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()
    text = _pdf_text(download_info.value.path())
    assert name in text and "On track" in text and "Agreed: I will plan hinge questions." in text

    with scopes_disabled():
        review = ProgressReview.objects.get()
    assert review.acknowledged_at is not None and review.author == world.people[Role.INDUCTION_TUTOR]

    # The ECT's mentor finds nothing.
    sign_in_afresh(page, world.people[Role.MENTOR].email, PASSWORD)
    response = page.goto(f"{live_server.url}/induction/review/{review.pk}/")
    assert response.status == 404
