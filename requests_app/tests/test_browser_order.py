"""In a real browser: Emma orders a laptop through its form, her manager Chris approves it
in the approvals inbox, Sam completes its two fulfilment tasks in the staff console, and
Emma sees the request fulfilled and confirms she received it."""

import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from itsm.demo.people import DEMO_PASSWORD, load_people
from itsm.seed import seed_reference_data
from requests_app import demo
from requests_app.models import ServiceRequest
from tests.browser.conftest import browser, page, screenshot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, username, *, admin=False):  # noqa: F811
    page.context.clear_cookies()
    page.goto("/admin/login/?next=/admin/" if admin else "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in" if admin else "Sign in").click()
    expect(page.get_by_role("button", name="Log out" if admin else "Sign out")).to_be_visible()


def test_emma_orders_a_laptop_chris_approves_sam_fulfils_emma_confirms(
    page,  # noqa: F811
    screenshot,  # noqa: F811
):
    seed_reference_data(apps)
    demo.load(load_people())
    before = set(ServiceRequest.objects.values_list("pk", flat=True))

    sign_in(page, "emma")
    page.goto("/portal/requests/catalog/")
    page.get_by_role("link", name="Laptop", exact=True).click()
    page.get_by_label("Performance 16-inch").check()
    page.get_by_label("Why do you need the performance model?").fill("I edit video.")
    page.get_by_label("Docking station").check()
    page.get_by_role("button", name="Submit request").click()
    (order,) = ServiceRequest.objects.exclude(pk__in=before)
    expect(page.get_by_role("heading", name=re.compile(order.number))).to_be_visible()
    screenshot("request-submitted")
    assert order.status == "awaiting_approval"
    assert order.answers["model"] == "Performance 16-inch"

    sign_in(page, "chris")
    page.goto("/portal/approvals/")
    card = page.get_by_role("article", name=re.compile(order.number))
    card.get_by_role("button", name=f"Approve {order.number}").click()
    expect(page.get_by_role("status")).to_contain_text(order.number)
    order.refresh_from_db()
    assert order.status == "approved"
    tasks = list(order.tasks.order_by("order"))
    assert len(tasks) == 2

    sign_in(page, "sam", admin=True)
    for task in tasks:
        page.goto(f"/admin/requests_app/fulfilmenttask/{task.pk}/change/")
        for button in ("Start", "Done"):
            page.get_by_role("button", name=button, exact=True).click()
            expect(page.locator(".messagelist")).to_be_visible()
    order.refresh_from_db()
    assert order.status == "fulfilled"

    sign_in(page, "emma")
    page.goto(order.get_absolute_url())
    expect(page.get_by_text("Fulfilled").first).to_be_visible()
    page.get_by_role("button", name="Yes, I received it").click()
    expect(page.get_by_text("Closed").first).to_be_visible()
    screenshot("request-confirmed")
    order.refresh_from_db()
    assert order.status == "closed"
    assert page.failed_responses == []
