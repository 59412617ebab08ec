"""In a real browser: Chris submits a normal change and requests CAB authorisation from
the staff console, Alex and Avery approve it from their approvals inbox, and Alex cannot
approve a change he requested himself."""

import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from changes import services
from changes.models import Change
from changes.tests.factories import make_change, setup
from itsm.demo.people import DEMO_PASSWORD
from itsm.seed import seed_reference_data
from tests.browser.conftest import browser, page, screenshot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MEDIUM = {"users_affected": 5000, "backout_tested": False}


def sign_in(page, username, *, admin=False):  # noqa: F811
    page.context.clear_cookies()
    page.goto("/admin/login/?next=/admin/" if admin else "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in" if admin else "Sign in").click()
    expect(page.get_by_role("button", name="Log out" if admin else "Sign out")).to_be_visible()


def approve_in_inbox(page, change, comment):  # noqa: F811
    page.goto("/portal/changes/approvals/")
    card = page.get_by_role("article", name=re.compile(change.number))
    expect(card).to_contain_text("Medium")
    card.get_by_label("Comment (required to reject)").fill(comment)
    card.get_by_role("button", name=f"Approve {change.number}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Approved {change.number}")


def test_chris_submits_alex_and_avery_approve_and_alex_cannot_approve_his_own(
    page,  # noqa: F811
    screenshot,  # noqa: F811
):
    seed_reference_data(apps)
    users = setup()
    change = make_change(
        requested_by=users["chris"], title="Upgrade the load balancers", risk_answers=MEDIUM
    )
    own = make_change(requested_by=users["alex"], title="Alex's own DNS change", days=10)
    services.change_transition(change_id=own.pk, name="submit", actor=users["alex"])
    services.change_transition(change_id=own.pk, name="request_authorisation", actor=users["chris"])

    sign_in(page, "chris", admin=True)
    page.goto(f"/admin/changes/change/{change.pk}/change/")
    page.get_by_role("button", name="Submit for assessment").click()
    expect(page.locator(".messagelist")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Assessed: request CAB authorisation")).click()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert Change.objects.get(pk=change.pk).status == "authorisation"

    sign_in(page, "alex")
    approve_in_inbox(page, change, "Plans look sound.")
    screenshot("change-inbox-approved")
    card = page.get_by_role("article", name=re.compile(own.number))
    card.get_by_role("button", name=f"Approve {own.number}").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"Separation of duties: you may not approve {own.number} because you requested it."
    )
    screenshot("change-inbox-separation-of-duties")
    assert Change.objects.get(pk=own.pk).status == "authorisation"
    assert page.failed_responses == [f"403 {page.url}"]
    page.failed_responses.clear()

    sign_in(page, "avery")
    approve_in_inbox(page, change, "Agreed.")
    expect(page.get_by_role("article", name=re.compile(change.number))).to_have_count(0)
    assert Change.objects.get(pk=change.pk).status == "scheduled"

    sign_in(page, "chris")
    page.goto(f"/portal/changes/calendar/?view=week&date={change.planned_start.date()}")
    expect(page.get_by_role("link", name=change.number)).to_be_visible()
    assert page.failed_responses == []
