"""The delivery partner's staff compare their schools: the first figures with "Refresh
now", a sort and a filter, the cohorts, a drill-down to a school's dashboard, and the
CSV download. axe at every stop (desktop and phone)."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from schools.models import Role
from tests.browser.axe import check_all_viewports
from tests.browser.journey import sign_in
from tests.conftest import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONDAY = dt.date(2026, 11, 23)


def test_staff_refresh_compare_drill_down_and_download(page, live_server, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: MONDAY)
    with scopes_disabled():
        world = build_world()
    sign_in(page, world.people[Role.DP_STAFF].email, PASSWORD)

    page.goto("/reports/partner/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Schools compared")
    expect(page.get_by_text("There are no figures yet")).to_be_visible()
    check_all_viewports(page, context="partner report, no figures yet")

    # The first figures (eager in the embedded default: worked out before the page returns).
    page.get_by_role("button", name="Refresh now").click()
    expect(page.get_by_text("Figures as of")).to_be_visible()
    table = page.get_by_role("region", name="Schools compared")
    expect(table.get_by_role("link", name="Alder Primary")).to_be_visible()
    expect(table.get_by_role("link", name="Aspen Academy")).to_be_visible()
    check_all_viewports(page, context="partner report")

    # Sorted by a column, then filtered by name: the sort is kept.
    page.get_by_role("link", name="School", exact=True).click()
    page.get_by_role("link", name="School", exact=True).click()  # descending
    expect(page.locator("th[aria-sort=descending]")).to_have_text("School")
    expect(table.locator("tbody th").first).to_contain_text("Aspen Academy")
    page.get_by_label("School name").fill("ald")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status")).to_have_text("Showing 1 school.")
    expect(page.locator("th[aria-sort=descending]")).to_have_text("School")
    check_all_viewports(page, context="partner report, filtered")

    # The CSV of the table as shown.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this table (CSV)").click()
    rows = list(csv.reader(io.StringIO(open(download_info.value.path(), encoding="utf-8-sig").read())))
    assert [row[0] for row in rows[1:]] == ["Alder Primary"]

    # By cohort, then back to a cohort's schools and on to one school's dashboard.
    page.get_by_role("link", name="By cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohorts compared")
    check_all_viewports(page, context="partner report by cohort")
    page.get_by_role("region", name="Cohorts compared").get_by_role("link", name="Cohort own").click()
    expect(page.get_by_label("Cohort")).to_have_value(str(world.ects["own"].cohort_id))
    page.get_by_role("region", name="Schools compared").get_by_role("link", name="Alder Primary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This week")
    expect(page.get_by_text("Alder Primary").first).to_be_visible()
