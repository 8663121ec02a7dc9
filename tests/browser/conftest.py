"""Browser journeys: Playwright (sync API) driving Debian's Chromium against pytest-django's
``live_server``.

pytest-playwright supplies the session-scoped ``browser`` and a fresh ``context``/``page``
per test; this file points it at /usr/bin/chromium (no ``playwright install``), gives every
context the live server as its base URL and a desktop viewport, and marks every test in
this folder ``browser``.
"""

import os
from pathlib import Path

import pytest

from tests.browser.axe import DESKTOP

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps dialling out (updates, sync, field trials) and, on a
    # closed network, floods the log with refused connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Mark every test of this folder ``browser`` (so ``-m "not browser"`` can leave
    them out). They run on any xdist worker: each worker has its own live server and
    its own Chromium."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Overrides pytest-playwright's fixture: Debian's Chromium, headless, quiet.

    A missing Chromium is a failure, not a skip: a green run must mean the journeys ran."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}, which is missing. "
            "Install it with `make system-deps` (as root) or `apt-get install -y chromium`; "
            "`make test` does this itself.",
            pytrace=False,
        )
    return {"executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    """Overrides pytest-playwright's ``--base-url``: pages are addressed relative to the
    live server (``page.goto("/")``)."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A fresh context per test (pytest-playwright's ``context``/``page``), desktop width."""
    return {**browser_context_args, "viewport": dict(DESKTOP), "locale": "en-GB"}


@pytest.fixture
def page(page):
    """pytest-playwright's page, failing fast (Playwright's default waits are 30 s) and
    recording script errors and console errors (a CSP violation is one) for ``visit``."""
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(f"uncaught: {error}"))
    page.on(
        "console",
        lambda message: page.js_errors.append(f"console.{message.type}: {message.text}")
        if message.type == "error"
        else None,
    )
    return page


# Fixtures that pin "today" (by monkeypatching django.utils.timezone.localdate).
DAY_PINS = ("monday_23_november",)


@pytest.fixture
def demo_accounts(request, transactional_db):
    """The demo data, committed so the live server's thread sees it; the first demo
    account of each role, by role value.

    The demo is seeded relative to today (self-study ticked off up to a week ago,
    coaching up to the cycle before this one, a deferral and an absence some weeks
    back). A test that pins today gets the demo seeded on that day, whatever the order
    of its arguments: otherwise the seed would read the real date while the pages read
    the pinned one (on 6 December 2026 the seed had already ticked off the module that
    is due on 23 November)."""
    from schools.demo import seed_demo
    from schools.models import Role

    for pin in DAY_PINS:
        if pin in request.fixturenames:
            request.getfixturevalue(pin)
    accounts = {}
    for account in seed_demo():
        accounts.setdefault(account.role, account)
    return {role: accounts[Role(role).label] for role in Role.values}
