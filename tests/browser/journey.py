"""Steps shared by the browser journeys."""

from schools.demo import DEMO_PASSWORD


def sign_in(page, email, password=DEMO_PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
