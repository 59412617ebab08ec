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
from tests.browser.conftest import ARTIFACTS, browser, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Remote access unavailable"
VPN = "Remote access (VPN)"


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


def visitor(page, live_server):  # noqa: F811
    """A customer's fresh browser on the public page: the page may be kept for
    ``max-age`` seconds by a browser, so each look starts without that copy."""
    context = page.context.browser.new_context(base_url=live_server.url)
    public = context.new_page()
    public.goto("/status/")
    return public


def shoot(public, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    public.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def component_status(public, name):
    row = public.locator(".sp-component", has=public.locator(".sp-name", has_text=name))
    return row.locator(".sp-status")


def test_sam_declares_publishes_and_resolves_and_the_public_page_follows(
    page,  # noqa: F811
    live_server,
):
    seed_reference_data(apps)
    people = load_people()
    service = Service.objects.create(name="VPN")
    make_component(actor=people["sam"], name=VPN, service=service)
    incident = make_incident(
        reporter=people["emma"], service=service, impact="high", urgency="high"
    )
    expect(component_status(visitor(page, live_server), VPN)).to_have_text("Operational")

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

    public = visitor(page, live_server)
    expect(component_status(public, VPN)).to_have_text("Major outage")
    expect(public.locator(".sp-active")).to_contain_text(TITLE)
    expect(public.locator(".sp-active")).to_contain_text("we are investigating")
    shoot(public, "status-page-outage")
    # Nothing internal reaches the public page.
    expect(public.locator("body")).not_to_contain_text(incident.number)
    expect(public.locator("body")).not_to_contain_text("Sam")

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

    public = visitor(page, live_server)
    expect(component_status(public, VPN)).to_have_text("Operational")
    expect(public.locator(".sp-overall")).to_have_text("All systems operational")
    expect(public.locator(".sp-active")).to_have_count(0)
    public.get_by_role("link", name="Past incidents").click()
    past = public.locator(".sp-incident", has_text=TITLE)
    expect(past).to_contain_text("Remote access is back for everyone.")
    expect(past).to_contain_text(f"Affects: {VPN}")
    shoot(public, "status-page-history")
    assert Component.objects.get(service=service).status == "operational"
    assert page.failed_responses == []
