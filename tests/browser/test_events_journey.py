"""An ECT books a clinic session on a phone and adds it to their calendar; on the day the
facilitator marks them absent from the register; the ECT sees the catch-up; the
induction tutor sees the miss and, once the ECT has written the reflection, the
catch-up done. axe at every stop (desktop and phone where a page is new).

The clock moves through the journey (booking in October, the register on the day, the
catch-up after it): ``timezone.now`` reads a moment the test sets, in the live
server's thread too."""

import datetime as dt

import icalendar
import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from events.factories import london
from schools.models import Role
from tests.browser.axe import check_all_viewports, check_current
from tests.browser.journey import sign_in_afresh
from tests.conftest import PASSWORD, build_world
from tests.events.world import add_events

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def clock(monkeypatch):
    moment = {"now": london(2026, 10, 1, 9, 0)}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


def test_ect_books_misses_and_catches_up_the_tutor_sees_it(page, live_server, clock):
    with scopes_disabled():
        world = build_world()
        events = add_events(world)
    ect, facilitator, tutor = (world.people[r] for r in (Role.ECT, Role.FACILITATOR, Role.INDUCTION_TUTOR))

    # The ECT, on a phone: books the clinic.
    page.set_viewport_size(PHONE)
    sign_in_afresh(page, ect.email, PASSWORD)
    page.get_by_role("link", name="Events").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My conferences and clinics")
    check_all_viewports(page, context="my events")
    page.get_by_role("link", name="Choose a session for High expectations").first.click()
    check_all_viewports(page, context="choose a session")
    page.get_by_label("Wednesday 4 November 2026, 16:00 to 17:30").check()
    page.get_by_role("button", name="Book this session").click()
    expect(page.get_by_text("You are booked for Wednesday 4 November 2026 at 16:00.")).to_be_visible()
    expect(page.get_by_role("link", name="https://meet.example.org/clinic")).to_be_visible()
    check_all_viewports(page, context="session, booked")

    # ... and adds it to their calendar.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    calendar = icalendar.Calendar.from_ical(open(download_info.value.path(), "rb").read())
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("DTSTART").astimezone(dt.timezone.utc) == dt.datetime(2026, 11, 4, 16, 0, tzinfo=dt.timezone.utc)
    assert str(vevent["UID"]).startswith(str(events.clinic_session.uid))

    # On the day, after the session: the facilitator marks the ECT absent.
    clock["now"] = london(2026, 11, 4, 17, 40)
    sign_in_afresh(page, facilitator.email, PASSWORD)
    page.get_by_role("link", name="My sessions").first.click()
    check_all_viewports(page, context="facilitator's sessions")
    page.get_by_role("link", name="Register for High expectations on 4 November").click()
    check_all_viewports(page, context="register")
    page.get_by_role("group", name="A Early career teacher").get_by_label("Absent").check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("Catch-up is set for everyone who missed the session.")).to_be_visible()
    check_current(page, context="register saved")

    # The induction tutor sees the miss.
    clock["now"] = london(2026, 11, 5, 8, 30)
    sign_in_afresh(page, tutor.email, PASSWORD)
    page.get_by_role("link", name="Events").first.click()
    expect(page.get_by_text("Missed: catch-up not done").first).to_be_visible()
    check_all_viewports(page, context="school schedule, missed")

    # The ECT sees the catch-up and completes it.
    sign_in_afresh(page, ect.email, PASSWORD)
    page.get_by_role("link", name="Events").first.click()
    expect(page.get_by_text("Catch-up to do")).to_be_visible()
    check_current(page, context="my events with catch-up")
    page.get_by_role("link", name="Do the catch-up for High expectations").click()
    check_all_viewports(page, context="catch-up")
    page.get_by_label("Your reflection").fill("Too short.")
    page.get_by_role("button", name="Mark catch-up as done").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("at least 40 characters")
    check_current(page, context="catch-up with an error")
    page.get_by_label("Your reflection").fill(
        "High expectations start at the door: I will rehearse the entry routine and narrate the positive."
    )
    page.get_by_role("button", name="Mark catch-up as done").click()
    expect(page.get_by_text("Catch-up for Clinic 1: High expectations is done.")).to_be_visible()

    # Later, the induction tutor sees it done.
    sign_in_afresh(page, tutor.email, PASSWORD)
    page.get_by_role("link", name="Events").first.click()
    expect(page.get_by_text("Missed: catch-up done").first).to_be_visible()
    check_current(page, context="school schedule, caught up")
