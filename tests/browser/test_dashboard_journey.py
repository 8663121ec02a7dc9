"""The induction tutor opens the dashboard on a Monday, follows a red item to its cause
(the ECT's overdue self-study), and downloads the release-time report; the headteacher
sees the same dashboard and report, without the forms. axe at every stop (desktop and
phone)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from reporting import services as release
from schools.models import Role
from tests.browser.axe import check_all_viewports
from tests.browser.journey import sign_in_afresh
from tests.conftest import PASSWORD, build_world
from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONDAY = dt.date(2026, 11, 23)


def _pdf_text(path):
    return pdf_text(path, flat=True)


def test_tutor_follows_a_red_item_and_downloads_the_report_headteacher_sees_it(page, live_server, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: MONDAY)
    with scopes_disabled():
        world = build_world()
        tutor = world.people[Role.INDUCTION_TUTOR]
        ect = world.ects["own"]
        release.set_standard_timetable(actor=tutor, school=world.school_a1, academic_year=2026, hours=Decimal("22.5"))
        release.record_ect_term(actor=tutor, school=world.school_a1, term="2026-autumn", figures=release.TermFigures(
            ect=ect, fte=Decimal("1.0"), teaching_hours=Decimal("20"), mentor_hours=Decimal("1"),
        ))
    name = ect.user.full_name

    # Monday morning: the dashboard.
    sign_in_afresh(page, tutor.email, PASSWORD)
    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This week")
    expect(page.get_by_role("heading", name="Needs your attention")).to_be_visible()
    check_all_viewports(page, context="dashboard")

    # A red item, followed to its cause: the ECT's self-study, with the module overdue.
    red = page.locator(".app-actions li", has=page.locator(".govuk-tag--red")).get_by_role(
        "link", name=f"{name}: self-study:"
    )
    expect(red).to_have_count(1)
    red.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_text("Overdue").first).to_be_visible()
    check_all_viewports(page, context="the cause: self-study")

    # The person's detail, from the grid.
    page.go_back()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name="Expected and done")).to_be_visible()
    check_all_viewports(page, context="dashboard: one ECT")

    # The release-time report.
    page.get_by_role("link", name="Release time").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the compliance report (PDF)").click()
    text = _pdf_text(download_info.value.path())
    assert "Alder Primary" in text and "Autumn term 2026 to 2027" in text and name in text
    assert "20.25" in text  # the year-1 ceiling of a 22.5-hour timetable at 1.0 FTE

    # The headteacher sees the same, read-only.
    sign_in_afresh(page, world.people[Role.HEADTEACHER].email, PASSWORD)
    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_text(f"{name}: self-study:").first).to_be_visible()
    check_all_viewports(page, context="dashboard, headteacher")
    page.get_by_role("link", name="Release time").first.click()
    expect(page.locator(".govuk-summary-card")).to_contain_text("20.25 hours a week")
    expect(page.get_by_role("link", name="Record figures for this term")).to_have_count(0)
    check_all_viewports(page, context="release time, headteacher")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the compliance report (PDF)").click()
    assert name in _pdf_text(download_info.value.path())
