"""In a real browser, under the Content-Security-Policy: the admin, the API docs and the
portal's scripts still work, and nothing is blocked (the page fixture fails the test on
any policy violation Chromium reports)."""

import re

import pytest
from playwright.sync_api import expect

from incidents.tests.factories import make_incident
from itsm.demo.people import DEMO_PASSWORD, load_people

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, username, *, admin=False):
    page.goto("/admin/login/" if admin else "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in" if admin else "Sign in").click()


def test_staff_console_and_api_docs_run_under_the_policy(page, screenshot):
    people = load_people()
    incident = make_incident(reporter=people["emma"])
    sign_in(page, "sam", admin=True)

    page.goto("/admin/incidents/incident/")
    # The console's own styles (an inline block with the nonce) applied: badges are coloured.
    expect(page.locator(".priority-badge").first).to_have_css("color", "rgb(255, 255, 255)")
    page.goto(f"/admin/incidents/incident/{incident.pk}/change/")
    expect(page.locator(".record-actions")).to_be_visible()
    screenshot("csp-admin-change")

    page.goto("/api/docs/")
    # Swagger UI (its inline start-up script runs only with the nonce) lists the operations.
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    # From 150 entries on, Swagger UI renders the list as the reader scrolls down to it.
    set_status = page.locator('[data-path="/api/v1/status/components/{id}/set-status/"]')
    for _ in range(60):
        if set_status.is_visible():
            break
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(50)
    expect(set_status).to_be_visible()
    screenshot("csp-api-docs")
    assert page.failed_responses == []


def test_portal_script_runs_under_the_policy(page):
    load_people()
    sign_in(page, "emma")
    expect(page).to_have_url(re.compile(r"/portal/$"))

    page.goto("/portal/incidents/new/")
    page.get_by_label("Title").fill("Second monitor flickers")
    page.get_by_label("Description").fill("Since this morning.")
    page.get_by_role("button", name=re.compile("Report|Submit|Send", re.I)).click()

    expect(page.get_by_text("has been logged")).to_be_visible()
    assert page.failed_responses == []
