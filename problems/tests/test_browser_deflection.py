"""In a real browser: Emma checks the known errors before reporting, sees the workaround
for what she typed, clicks "This solved it", and no incident is created."""

import pytest
from django.apps import apps
from playwright.sync_api import expect

from incidents.models import Incident
from itsm.demo.people import DEMO_PASSWORD, load_people
from itsm.models import Service
from itsm.seed import seed_reference_data
from problems import services
from problems.choices import Status
from problems.models import Deflection
from problems.tests.factories import problem_in
from tests.browser.conftest import browser, page, screenshot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_emma_is_helped_by_a_known_error_and_logs_no_incident(page, screenshot):  # noqa: F811
    # A transactional test that ran before may have left the database flushed without
    # its reference rows (roles): the live-server test does not get them back by itself.
    seed_reference_data(apps)
    users = load_people()
    vpn = Service.objects.create(name="VPN")
    problem = problem_in(
        Status.ROOT_CAUSE_ANALYSIS, title="VPN drops every few minutes", service=vpn
    )
    services.problem_transition(
        problem_id=problem.pk,
        name="record_known_error",
        actor=users["pat"],
        root_cause="The old client reuses an expired session key.",
        workaround="Update the VPN client from the **Software Center**.",
    )
    services.problem_transition(
        problem_id=problem.pk, name="publish_workaround", actor=users["pat"]
    )

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("emma")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/portal/known-errors/check/")
    page.get_by_label("What is not working?").fill("My VPN drops all the time")
    page.get_by_label("Service").select_option(label="VPN")
    page.get_by_role("button", name="Check known errors").click()

    expect(page.get_by_text("Update the VPN client from the")).to_be_visible()
    expect(page.locator(".markdown strong")).to_have_text("Software Center")
    screenshot("known-error-suggestion")
    page.get_by_role("button", name="This solved it").click()

    expect(page.get_by_text("No incident was logged")).to_be_visible()
    assert page.failed_responses == []
    assert not Incident.objects.exists()
    assert Deflection.objects.get().problem == problem


def test_emma_sees_the_known_error_while_typing_her_report(page, screenshot):  # noqa: F811
    seed_reference_data(apps)
    users = load_people()
    problem = problem_in(Status.ROOT_CAUSE_ANALYSIS, title="VPN drops every few minutes")
    services.problem_transition(
        problem_id=problem.pk,
        name="record_known_error",
        actor=users["pat"],
        root_cause="The old client reuses an expired session key.",
        workaround="Update the VPN client from the **Software Center**.",
    )
    services.problem_transition(
        problem_id=problem.pk, name="publish_workaround", actor=users["pat"]
    )

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("emma")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/portal/incidents/new/")
    page.get_by_label("Title").press_sequentially("VPN drops")

    expect(page.get_by_text("Update the VPN client from the")).to_be_visible()
    screenshot("known-error-while-typing")
    page.get_by_label("Description").fill("It drops every few minutes.")
    page.get_by_role("button", name="I still need help").click()

    incident = Incident.objects.get()
    assert incident.problem_id == problem.pk
    assert page.failed_responses == []
    assert not Deflection.objects.exists()
