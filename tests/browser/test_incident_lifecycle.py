"""In a real browser: an incident from report to close, through the portal and the console.

Emma reports it in the portal, Sam assigns it in the staff console, Ravi starts and
resolves it with the portal's staff forms, Emma confirms, and Sam closes it.
"""

import re

import pytest
from playwright.sync_api import expect

from incidents.choices import Status
from incidents.models import Incident
from itsm.choices import RecordKind
from itsm.demo.people import DEMO_PASSWORD, load_people
from itsm.models import Category, Service

pytestmark = [
    pytest.mark.browser,
    # The live server reads from another thread, so the data must be committed; the
    # serialized rollback puts back the migrations' seed rows the flush removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def sign_in(page, username, *, admin=False):
    page.context.clear_cookies()
    page.goto("/admin/login/?next=/admin/" if admin else "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in" if admin else "Sign in").click()
    expect(page.get_by_role("button", name="Sign out" if not admin else "Log out")).to_be_visible()


def both_sizes(page, screenshot, name):
    """Screenshots on a desktop and a 390 px phone; the page must not scroll sideways."""
    screenshot(f"{name}-desktop")
    page.set_viewport_size(PHONE)
    screenshot(f"{name}-mobile")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    page.set_viewport_size(DESKTOP)
    assert not overflow, f"{name} scrolls sideways on a phone"


def pick_autocomplete(page, field, search, choice):
    """Choose in one of the console's autocomplete selects (select2)."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-search__field").fill(search)
    page.get_by_role("option", name=choice).click()


def report(page, screenshot) -> Incident:
    page.goto("/portal/incidents/new/")
    both_sizes(page, screenshot, "incident-report-form")
    page.get_by_role("button", name="Report incident").click()
    expect(page.get_by_role("alert")).to_contain_text("Title: This field is required.")
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    both_sizes(page, screenshot, "incident-report-errors")

    page.get_by_label("Title").fill("Printer on floor 2 jams")
    page.get_by_label("Description").fill("It shows **E-42** and eats the paper.")
    page.get_by_label("Category:", exact=True).select_option(label="Hardware")
    # The small script offers only the chosen category's subcategories.
    expect(page.locator("#id_subcategory option", has_text="Software / Mail app")).to_be_disabled()
    page.get_by_label("Subcategory").select_option(label="Hardware / Printer")
    page.get_by_label("Affected service").select_option(label="Printing")
    page.get_by_label("It slows me down").check()
    page.get_by_label("Attachment (optional)").set_input_files(
        {"name": "jam.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_role("button", name="Report incident").click()

    expect(page.get_by_role("status")).to_contain_text("has been logged")
    incident = Incident.objects.get()
    expect(page).to_have_url(re.compile(rf"/portal/incidents/{incident.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text(incident.number)
    expect(page.get_by_role("link", name="jam.png")).to_be_visible()
    return incident


def assign_in_console(page, incident):
    page.goto(f"/admin/incidents/incident/{incident.pk}/change/")
    page.get_by_role("link", name=re.compile(r"^Assign")).click()
    pick_autocomplete(page, "group", "Network", "Network Operations")
    pick_autocomplete(page, "assignee", "ravi", re.compile("Ravi"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_be_visible()


def test_incident_from_report_to_close(page, screenshot):
    load_people()
    hardware = Category.objects.create(kind=RecordKind.INCIDENT, name="Hardware")
    Category.objects.create(kind=RecordKind.INCIDENT, name="Printer", parent=hardware)
    software = Category.objects.create(kind=RecordKind.INCIDENT, name="Software")
    Category.objects.create(kind=RecordKind.INCIDENT, name="Mail app", parent=software)
    Service.objects.create(name="Printing")

    sign_in(page, "emma")
    incident = report(page, screenshot)
    detail = f"/portal/incidents/{incident.pk}/"

    sign_in(page, "sam", admin=True)
    assign_in_console(page, incident)
    incident.refresh_from_db()
    assert incident.status == Status.ASSIGNED
    assert incident.assignee.username == "ravi"

    sign_in(page, "ravi")
    page.goto(detail)
    page.get_by_role("button", name="Start work").click()
    expect(page.locator(".badges .status")).to_have_text("In progress")
    both_sizes(page, screenshot, "incident-detail-staff")
    page.locator("summary", has_text="Resolve").click()
    page.get_by_label("Resolution:", exact=True).select_option(label="Solved (workaround)")
    page.get_by_label("What was done").fill("Cleared the jam and replaced the roller.")
    page.get_by_role("button", name="Resolve", exact=True).click()
    expect(page.locator(".badges .status")).to_have_text("Resolved")

    sign_in(page, "emma")
    page.goto(detail + "#resolution")
    resolution = page.locator("#resolution")
    expect(resolution).to_contain_text("replaced the roller")
    expect(resolution.get_by_role("button", name="Yes, it is fixed")).to_be_visible()
    both_sizes(page, screenshot, "incident-detail-resolved")
    resolution.get_by_role("button", name="Yes, it is fixed").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you for confirming")

    sign_in(page, "sam", admin=True)
    page.goto(f"/admin/incidents/incident/{incident.pk}/change/")
    page.get_by_role("button", name="Close", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()

    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    sign_in(page, "emma")
    page.goto(detail)
    steps = page.locator("#timeline .timeline .what")
    expect(steps).to_have_text(
        [
            "Reported",
            "Assigned to Network Operations, Ravi Resolver",
            "Work started",
            "Resolved",
            "Resolution confirmed",
            "Closed",
        ]
    )
    both_sizes(page, screenshot, "incident-detail-closed")
    page.get_by_role("link", name="My incidents").first.click()
    expect(page.get_by_role("cell", name=incident.number)).to_be_visible()
    expect(page.get_by_role("cell", name="Closed")).to_be_visible()
    both_sizes(page, screenshot, "incident-list")
    # The only error answer is the report form sent empty on purpose.
    assert page.failed_responses == [f"400 {page.url.split('/portal/')[0]}/portal/incidents/new/"]
