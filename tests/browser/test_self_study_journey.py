"""Issue 4's journey: an ECT ticks off this fortnight's activities on a phone; their
mentor and their induction tutor then see the module complete."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.axe import PHONE, check_all_viewports, check_current
from tests.browser.journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ECT = "ect1.northshire-s1@demo.ectalign.test"
MENTOR = "mentor1.northshire-s1@demo.ectalign.test"
TUTOR = "tutor.northshire-s1@demo.ectalign.test"


@pytest.fixture
def monday_23_november(monkeypatch):
    # The live server runs in this process: pin "today" for its pages too. The demo is
    # seeded on this day as well (demo_accounts asks for this fixture first).
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 11, 23))


def test_ect_ticks_off_the_fortnight_and_supporters_see_it(page, live_server, demo_accounts, monday_23_november):
    from ectalign.models import User

    ect_name = User.objects.get(email=ECT).full_name
    page.set_viewport_size(PHONE)
    sign_in(page, ECT)
    page.get_by_role("link", name="Your self-study: what to study this fortnight").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your self-study")
    check_current(page, context="ECT checklist on a phone")

    due = page.locator("section.app-module").filter(has=page.get_by_text("Due now", exact=True)).first
    title = due.get_by_role("heading", level=3).inner_text()
    boxes = due.get_by_role("checkbox")
    assert boxes.count() == 4
    for i in range(boxes.count()):
        boxes.nth(i).check()
    due.get_by_role("button", name=f"Save progress for {title}").click()

    expect(page.get_by_text(f"{title}: module complete. Well done.")).to_be_visible()
    saved = page.locator("section.app-module").filter(has=page.get_by_role("heading", name=title))
    expect(saved.locator(".govuk-tag")).to_have_text("Completed")
    check_all_viewports(page, context="ECT checklist after saving")
    page.get_by_role("link", name="See your whole two-year path").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=title))
    expect(row).to_contain_text("Completed")
    expect(row).to_contain_text("4/4")
    check_all_viewports(page, context="ECT's two-year path")

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    page.set_viewport_size({"width": 1024, "height": 768})  # a tablet in landscape
    sign_in(page, MENTOR)
    page.get_by_role("link", name="Self-study path of").first.click()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=title))
    expect(row).to_contain_text("Completed")
    check_all_viewports(page, context="mentor's view of the ECT's path")
    page.get_by_role("banner").get_by_role("link", name="Mentor programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mentor programme")
    expect(page.get_by_role("table")).to_contain_text("Conference 1")
    check_all_viewports(page, context="mentor's own programme")

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    sign_in(page, TUTOR)
    page.get_by_role("banner").get_by_role("link", name="Self-study").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-study progress")
    ect_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=ect_name))
    expect(ect_row).to_contain_text(f"{title} (done)")
    check_all_viewports(page, context="induction tutor's course progress")
