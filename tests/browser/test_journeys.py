"""Browser journeys through the real pages: sign in as every demo role, switch role, sign
out, and a wrong password; every page checked with axe-core and for sideways scrolling
at desktop and phone widths."""

import re

import pytest
from playwright.sync_api import expect

from schools.models import Role
from tests.browser.axe import PHONE, assert_no_horizontal_scroll, check_all_viewports, check_page, visit
from tests.browser.journey import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# The heading each role lands on; None: the place named by the demo account (the
# delivery partner for its staff, the school for its leaders).
HOME_HEADINGS = {
    Role.DP_ADMIN: None,
    Role.DP_STAFF: None,
    Role.FACILITATOR: "Your sessions",
    Role.COACH: "Your coaching",
    Role.INDUCTION_TUTOR: None,
    Role.HEADTEACHER: None,
    Role.MENTOR: "Your mentoring",
    Role.ECT: "Your induction",
}
TUTOR_WHO_MENTORS = "tutor.northshire-s1@demo.ectalign.test"
FIRST_SCHOOL = "Ashcombe Primary School"


@pytest.mark.parametrize("role", Role.values)
def test_each_role_signs_in_to_its_home_page(page, live_server, demo_accounts, role):
    account = demo_accounts[role]
    sign_in(page, account.email)

    expect(page).to_have_url(f"{live_server.url}/")
    heading = HOME_HEADINGS[role] or account.where
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator(".app-context")).to_contain_text(f"{Role(role).label}, {account.where}")
    expect(page.get_by_role("banner").get_by_role("button", name="Sign out")).to_be_visible()
    check_all_viewports(page, context=f"{Role(role).label} home")


def test_switching_role_shows_the_other_home_page(page, live_server, demo_accounts):
    sign_in(page, TUTOR_WHO_MENTORS)
    expect(page.get_by_role("heading", level=1)).to_have_text(FIRST_SCHOOL)

    page.get_by_label("Switch role").select_option(label=f"Mentor, {FIRST_SCHOOL}")
    page.get_by_role("button", name="Switch", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mentoring")
    expect(page.get_by_text(f"You are now working as mentor, {FIRST_SCHOOL}.")).to_be_visible()
    expect(page.locator(".app-context")).to_contain_text(f"Mentor, {FIRST_SCHOOL}")
    expect(page.get_by_label("Switch role")).to_have_value(re.compile(r"\d+"))
    check_all_viewports(page, context="after switching to mentor")

    # The choice sticks: the next page still works as the mentor.
    visit(page, "/", context="mentor home again")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mentoring")


def test_sign_out_from_the_header(page, live_server, demo_accounts):
    sign_in(page, demo_accounts[Role.ECT].email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your induction")

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()

    # Signed out directly (the header form POSTs), back at the sign-in page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to ectalign")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("button", name="Sign out")).to_have_count(0)
    check_all_viewports(page, context="signed out")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to ectalign")


def test_sign_in_page_and_wrong_password(page, live_server, demo_accounts):
    visit(page, "/accounts/login/", context="sign-in page", all_viewports=True)

    sign_in(page, demo_accounts[Role.ECT].email, password="not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_text("The email address and/or password you specified are not correct.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(demo_accounts[Role.ECT].email)
    expect(page.get_by_role("banner").get_by_role("button", name="Sign out")).to_have_count(0)
    check_all_viewports(page, context="sign-in error")

    # Nothing typed: each field says what is missing, next to the field.
    page.get_by_label("Email").fill("")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-form-group--error").filter(has=page.get_by_label("Email"))).to_contain_text(
        "This field is required."
    )
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    check_all_viewports(page, context="sign-in field errors")


BAD_PAGE = """<!DOCTYPE html><html lang="en-GB"><head><title>Bad</title></head><body><main>
<h1>Bad page</h1><p style="color:#aaa">Too faint to read</p><input type="text" name="nameless">
<div style="width:900px">Too wide for a phone</div></main></body></html>"""


def test_the_checks_fail_on_a_bad_page(page, live_server):
    """The harness itself: a page with known faults must fail both checks (so a green
    journey means axe really ran and really looked)."""
    page.route("**/__bad__/", lambda route: route.fulfill(body=BAD_PAGE, content_type="text/html"))
    page.goto("/__bad__/")
    with pytest.raises(AssertionError) as failure:
        check_page(page, context="bad page")
    assert "color-contrast [serious]" in str(failure.value)
    assert "label [critical]" in str(failure.value)
    assert "<input" in str(failure.value)

    assert_no_horizontal_scroll(page)  # 900px fits at desktop width
    page.set_viewport_size(PHONE)
    with pytest.raises(AssertionError, match=r"900px") as failure:
        assert_no_horizontal_scroll(page)
    assert "Too wide for a phone" in str(failure.value)
