"""Steps shared by the browser journeys."""

from schools.demo import DEMO_PASSWORD


def sign_in(page, email, password=DEMO_PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in_afresh(page, email, password=DEMO_PASSWORD):
    """Sign out whoever is signed in (cookies cleared), then sign in as ``email``."""
    page.context.clear_cookies()
    sign_in(page, email, password)
