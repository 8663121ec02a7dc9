"""Release time in Chromium, with axe at desktop and phone widths on every page: the
induction tutor records a term's figures (a refused timetable first, its message beside
the field), reads the result and downloads the PDF; the headteacher reads the same page
without the forms; delivery partner staff make every school's reports as one ZIP."""

import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from schools.models import Role
from tests.browser.axe import check_all_viewports, check_current
from tests.browser.journey import sign_in, sign_in_afresh
from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "release-time-journey-2026"


@pytest.fixture
def release_world(world, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 11, 16))
    for role in (Role.INDUCTION_TUTOR, Role.HEADTEACHER, Role.DP_STAFF):
        user = world.user(role)
        user.set_password(PASSWORD)
        user.save()
    return world


def _pdf_text(path):
    return pdf_text(path, flat=True)


def test_release_time_recorded_read_and_reported(page, live_server, release_world):
    world = release_world
    ect_name = world.people[Role.ECT].full_name

    sign_in(page, world.user(Role.INDUCTION_TUTOR).email, PASSWORD)
    page.get_by_role("link", name="Release time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Release time")
    expect(page.locator(".govuk-summary-card")).to_contain_text("Missing")
    check_all_viewports(page, context="release time, nothing recorded")

    page.get_by_role("link", name="Record figures for this term").click()
    page.get_by_label("Standard timetable, hours a week").fill("0")
    page.get_by_label("Teaching hours a week").fill("21")
    page.get_by_label("Mentor time, hours a week on average").fill("0.75")
    page.get_by_role("button", name="Save figures").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The standard timetable cannot be 0 hours")
    expect(page.locator("#id_standard_hours_error")).to_contain_text("The standard timetable cannot be 0 hours")
    check_all_viewports(page, context="record, refused")

    page.get_by_label("Standard timetable, hours a week").fill("22.5")
    page.get_by_role("button", name="Save figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Release time")
    card = page.locator(".govuk-summary-card")
    expect(card).to_contain_text("20.25 hours a week: a reduction of 2.25 from 22.50")
    expect(card).to_contain_text("Shortfall")
    expect(card).to_contain_text("0.25 short")
    check_all_viewports(page, context="release time, recorded")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the compliance report (PDF)").click()
    text = _pdf_text(download_info.value.path())
    assert "Alder Primary (URN 111111)" in text and "Autumn term 2026 to 2027" in text and ect_name in text

    sign_in_afresh(page, world.user(Role.HEADTEACHER).email, PASSWORD)
    page.get_by_role("link", name="Release time").click()
    expect(page.locator(".govuk-summary-card")).to_contain_text("20.25 hours a week")
    expect(page.get_by_role("link", name="Record figures for this term")).to_have_count(0)
    expect(page.get_by_role("link", name="Change")).to_have_count(0)
    check_current(page, context="release time, headteacher")

    sign_in_afresh(page, world.user(Role.DP_STAFF).email, PASSWORD)
    page.get_by_role("link", name="Release time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Release-time reports")
    check_all_viewports(page, context="batches")
    page.get_by_label("Term").select_option("2026-autumn")
    page.get_by_role("button", name="Make every school's report").click()
    expect(page.get_by_role("heading", name="Ready")).to_be_visible()
    check_all_viewports(page, context="batch ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the reports (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    assert sorted(archive.namelist()) == [
        "release-time-111111-alder-primary-2026-autumn.pdf", "release-time-111112-aspen-academy-2026-autumn.pdf",
    ]
