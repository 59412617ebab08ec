"""In a real browser: Sam has the live page of a major incident open; Ravi adds a work
note and Sam sends a stakeholder update elsewhere; both appear without a reload."""

import pytest
from django.apps import apps
from playwright.sync_api import expect

from comms import services
from incidents import services as incidents
from incidents.choices import Status
from incidents.tests.factories import incident_in
from itsm.demo.people import DEMO_PASSWORD, load_people
from itsm.seed import seed_reference_data
from tests.browser.conftest import browser, page, screenshot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_live_page_shows_new_entries_without_a_reload(page, screenshot):  # noqa: F811
    seed_reference_data(apps)
    users = load_people()
    incident = incident_in(
        Status.IN_PROGRESS,
        reporter=users["emma"],
        agent=users["ravi"],
        desk=users["sam"],
        impact="high",
        urgency="high",
        title="VPN down for everyone",
    )
    incidents.incident_transition(
        incident_id=incident.pk,
        name="declare_major",
        actor=users["ravi"],
        communications_lead=users["sam"],
    )

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/portal/comms/incidents/{incident.pk}/live/")
    expect(page.get_by_text("Declared a major incident")).to_be_visible()
    page.evaluate("window.liveLoaded = true")

    incidents.incident_comment_add(
        incident_id=incident.pk,
        actor=users["ravi"],
        body="Gateway certificate expired",
        visibility="internal",
    )
    services.stakeholder_update_send(
        incident_id=incident.pk,
        actor=users["sam"],
        body="VPN down; next update in 30 minutes.",
        channels=["email"],
    )

    timeline = page.locator("#live-timeline")
    # The page polls every few seconds; wait for a few polls, never reload.
    note = timeline.get_by_text("Work note (Ravi Resolver): Gateway certificate expired")
    expect(note).to_be_visible(timeout=20_000)
    expect(timeline.get_by_text("VPN down; next update in 30 minutes.")).to_be_visible()
    # The same document: the page was not reloaded.
    assert page.evaluate("window.liveLoaded") is True
    assert page.locator("#live-timeline li[data-source^='comment:']").count() == 1
    screenshot("live-incident-page")
    assert page.failed_responses == []
