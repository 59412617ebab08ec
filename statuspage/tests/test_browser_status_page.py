"""In a real browser: Sam declares a major incident in the staff console and posts a
public update; the public status page shows the component in outage; Sam resolves the
incident and posts the resolution; the page shows the component operational and the
incident among the past ones."""

import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from incidents.models import Incident
from incidents.tests.factories import make_incident
from itsm.demo.people import DEMO_PASSWORD, load_people
from itsm.models import Service
from itsm.seed import seed_reference_data
from statuspage.models import Component, StatusIncident
from statuspage.tests.factories import make_component
from tests.browser.conftest import browser, page, screenshot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Remote access unavailable"


def sign_in_console(page, username):  # noqa: F811
    page.context.clear_cookies()
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def run_operation(page, incident, label):  # noqa: F811
    page.goto(f"/admin/incidents/incident/{incident.pk}/change/")
    page.get_by_role("link", name=re.compile(rf"^{label}")).click()


def confirm(page):  # noqa: F811
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_be_visible()


def public_status(page, name):  # noqa: F811
    page.context.clear_cookies()
    page.goto("/status/")
    row = page.locator(".sp-component", has=page.locator(".sp-name", has_text=name))
    return row.locator(".sp-status")


def test_sam_declares_publishes_and_resolves_and_the_public_page_follows(
    page,  # noqa: F811
    screenshot,  # noqa: F811
):
    seed_reference_data(apps)
    people = load_people()
    service = Service.objects.create(name="VPN")
    make_component(actor=people["sam"], name="Remote access (VPN)", service=service)
    incident = make_incident(
        reporter=people["emma"], service=service, impact="high", urgency="high"
    )
    expect(public_status(page, "Remote access (VPN)")).to_have_text("Operational")

    sign_in_console(page, "sam")
    run_operation(page, incident, "Declare a major incident")
    confirm(page)
    assert Incident.objects.get(pk=incident.pk).is_major

    run_operation(page, incident, "Post a public status update")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Impact").select_option(label="Major outage")
    page.get_by_label("State").select_option(label="Investigating")
    page.get_by_label("Body").fill("Remote staff cannot connect; we are investigating.")
    confirm(page)
    assert StatusIncident.objects.get().title == TITLE

    status = public_status(page, "Remote access (VPN)")
    expect(status).to_have_text("Major outage")
    expect(page.locator(".sp-active")).to_contain_text(TITLE)
    expect(page.locator(".sp-active")).to_contain_text("we are investigating")
    screenshot("status-page-outage")
    # Nothing internal reaches the public page.
    expect(page.locator("body")).not_to_contain_text(incident.number)
    expect(page.locator("body")).not_to_contain_text("Sam")

    sign_in_console(page, "sam")
    run_operation(page, incident, "Resolve")
    page.get_by_label("Resolution code").select_option(label="Solved (workaround)")
    page.get_by_label("Resolution notes").fill("Restarted the VPN gateway.")
    confirm(page)
    assert Incident.objects.get(pk=incident.pk).status == "resolved"

    run_operation(page, incident, "Post a public status update")
    page.get_by_label("State").select_option(label="Resolved")
    page.get_by_label("Body").fill("Remote access is back for everyone.")
    confirm(page)

    expect(public_status(page, "Remote access (VPN)")).to_have_text("Operational")
    expect(page.locator(".sp-overall")).to_have_text("All systems operational")
    expect(page.locator(".sp-active")).to_have_count(0)
    page.get_by_role("link", name="Past incidents").click()
    past = page.locator(".sp-incident", has_text=TITLE)
    expect(past).to_contain_text("Remote access is back for everyone.")
    expect(past).to_contain_text("Affects: Remote access (VPN)")
    screenshot("status-page-history")
    assert Component.objects.get(service=service).status == "operational"
    assert page.failed_responses == []
