"""Real-browser fixtures: Debian's Chromium, driven by Playwright, against the live server.

Without /usr/bin/chromium the browser tests are skipped, unless REQUIRE_BROWSER=1 (CI),
where they fail instead. Playwright's own browser downloads are never used.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from tests.browser.axe import Audit

# Playwright's sync API keeps an event loop running in the main thread, and Django then
# refuses ORM calls from it (SynchronousOnlyOperation), including the fixtures' own.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "browser"


@pytest.fixture
def browser(transactional_db):
    """Chromium for one test, started after the test's database is set up.

    Playwright's sync API moves this thread into another async context, where Django
    hands out new connection objects. A session-wide browser would therefore set up
    every later test's database from that other context, whose connection lacks the
    serialized seed rows: after a transactional test elsewhere in the run flushed the
    tables, the role groups, categories and other migration rows were not put back
    and the signed-in agent had no permissions. Starting Chromium per test, after the
    database fixture, keeps the setup and the teardown flush in the test's own
    context.
    """
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # Django keeps connections per async context, and while Playwright runs, this
        # thread is in another one. Close its connections here, or they outlive the run
        # and PostgreSQL refuses to drop the test database.
        connections.close_all()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) per test, with URLs relative to the live server.

    The test fails on a failed response it did not expect, on a Content-Security-Policy
    violation and on a serious or critical axe-core finding on any portal page.
    """
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    # axe-core checks every portal page the test shows (tests/browser/axe.py).
    audit = Audit(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.failed_responses = []

    def record_failure(response):
        # Chromium asks for /favicon.ico by itself on pages without an icon (the admin's).
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            page.failed_responses.append(f"{response.status} {response.url}")

    page.on("response", record_failure)
    # Chromium reports every inline script or style the Content-Security-Policy blocked.
    page.csp_violations = []

    def record_violation(message):
        if "Content Security Policy" in message.text:
            page.csp_violations.append(message.text)

    page.on("console", record_violation)
    yield page
    audit.check_last(page)
    context.close()
    assert page.csp_violations == [], "a page broke its Content-Security-Policy"
    assert audit.failures == [], "serious or critical accessibility violations"


@pytest.fixture
def screenshot(page):
    """``screenshot(name)`` saves the whole page to test-artifacts/browser/<name>.png."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
