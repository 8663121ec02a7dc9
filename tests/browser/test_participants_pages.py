"""The other participants pages, checked with axe at desktop and phone widths: the CSV
import with row errors, a mentor's page with the three-week prompt, a transfer, the
person's own monitoring answers and the delivery partner's summary and change requests."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import check_all_viewports, visit
from tests.browser.journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUTOR_S1 = "tutor.northshire-s1@demo.ectalign.test"
TUTOR_S3 = "tutor.northshire-s3@demo.ectalign.test"
ECT = "ect1.northshire-s1@demo.ectalign.test"
DP_ADMIN = "dp-admin@northshire.demo.ectalign.test"


def test_the_import_shows_row_errors_beside_their_rows(page, live_server, demo_accounts, tmp_path):
    sign_in(page, TUTOR_S1)
    page.get_by_role("link", name="ECTs and mentors", exact=True).first.click()
    page.get_by_role("link", name="Import from a spreadsheet").click()
    check_all_viewports(page, context="import upload")
    upload = tmp_path / "people.csv"
    upload.write_text(
        "role,full_name,email,trn,induction_start,cohort\r\n"
        "ect,Ana Fine,ana.fine@example.org,1234567,2026-09-02,September 2026\r\n"
        "ect,=HYPERLINK(1),bad.trn@example.org,12,2026-09-02,September 2026\r\n",
        encoding="utf-8-sig",
    )
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    errors = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="What to fix"))
    expect(errors).to_contain_text("5 to 7 digits")
    expect(errors).to_contain_text("formula")
    check_all_viewports(page, context="import preview with errors")


def test_a_mentor_away_four_weeks_and_a_transfer_page(page, live_server, demo_accounts):
    sign_in(page, TUTOR_S3)
    page.get_by_role("link", name="ECTs and mentors", exact=True).first.click()
    expect(page.locator(".app-prompts")).to_contain_text("more than three weeks")
    page.locator(".app-prompts").get_by_role("link").first.click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("more than three weeks")
    check_all_viewports(page, context="mentor page with absence prompt")
    page.go_back()
    page.get_by_role("region", name="Early career teachers").get_by_role("link").first.click()
    page.get_by_role("link", name="Transfer to another school").click()
    check_all_viewports(page, context="transfer")


def test_own_monitoring_answers_and_the_delivery_partners_views(page, live_server, demo_accounts):
    sign_in(page, ECT)
    page.get_by_role("link", name="My monitoring answers").click()
    check_all_viewports(page, context="my monitoring answers")
    page.context.clear_cookies()
    sign_in(page, DP_ADMIN)
    visit(page, "/participants/monitoring-summary/", context="monitoring summary", all_viewports=True)
    visit(page, "/participants/import-record/", context="import a training record", all_viewports=True)
