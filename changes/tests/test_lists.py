"""Query budgets of every change list: the count does not grow with the rows, and is
pinned (the API with a real session: session, user, roles, then the page)."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from changes import services
from changes.tests.factories import approved_version, make_change, make_item, setup
from itsm.testing.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

BUDGETS = {
    "change-list": 7,
    "change-approvals": 9,
    "change-conflicts": 8,
    "change-comments": 6,
    "change-history": 6,
    "changetemplate-list": 8,
    "approval-list": 7,
    "inbox": 9,  # the shared inbox also asks for the requests waiting on the person
    "admin-changelist": 8,
}


@pytest.fixture
def users():
    return setup()


def logged_in(user, api=True):
    client = APIClient() if api else Client()
    client.force_login(user)
    return client


def awaiting(users, count, *, on=None):
    """``count`` changes awaiting authorisation, each with a decision and a comment,
    all colliding on one item."""
    item = on or make_item("shared-web")
    made = []
    for _ in range(count):
        change = make_change(
            requested_by=users["chris"],
            configuration_items=[item],
            risk_answers={"users_affected": 5000, "backout_tested": False},
        )
        services.change_transition(change_id=change.pk, name="submit", actor=users["chris"])
        services.change_transition(
            change_id=change.pk,
            name="request_authorisation",
            actor=users["chris"],
            acknowledgement="Known.",
        )
        services.change_comment_add(change_id=change.pk, actor=users["sam"], body="Note.")
        services.change_transition(
            change_id=change.pk, name="approve", actor=users["alex"], reason="ok"
        )
        made.append(change)
    return made


def _get(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200, response.content[:300]


def test_api_change_list(users):
    client = logged_in(users["sam"])
    count = assert_constant_queries(
        lambda n: awaiting(users, n), lambda: _get(client, "/api/v1/changes/", page_size=100)
    )
    assert count <= BUDGETS["change-list"]


@pytest.mark.parametrize("name", ["approvals", "conflicts", "comments", "history"])
def test_api_lists_of_one_change(users, name):
    item = make_item("one-web")
    first = awaiting(users, 1, on=item)[0]
    client = logged_in(users["sam"])
    count = assert_constant_queries(
        lambda n: awaiting(users, n, on=item),
        lambda: _get(client, f"/api/v1/changes/{first.pk}/{name}/"),
    )
    assert count <= BUDGETS[f"change-{name}"]


def test_api_template_list(users):
    client = logged_in(users["sam"])

    def make_rows(n):
        for index in range(n):
            approved_version(
                author=users["chris"],
                approver=users["alex"],
                items=[make_item(f"t-{index}-{n}")],
                name=f"Template {n}-{index}",
            )

    count = assert_constant_queries(
        make_rows, lambda: _get(client, "/api/v1/change-templates/", page_size=100)
    )
    assert count <= BUDGETS["changetemplate-list"]


def test_api_approvals_inbox(users):
    client = logged_in(users["avery"])
    count = assert_constant_queries(
        lambda n: awaiting(users, n), lambda: _get(client, "/api/v1/approvals/")
    )
    assert count <= BUDGETS["approval-list"]


def test_portal_inbox(users):
    client = logged_in(users["avery"], api=False)
    _get(client, reverse("changes:inbox"))  # a worker's first page fills its content-type cache
    count = assert_constant_queries(
        lambda n: awaiting(users, n), lambda: _get(client, reverse("changes:inbox"))
    )
    assert count <= BUDGETS["inbox"]


def test_admin_changelist(users):
    client = logged_in(users["sam"], api=False)
    count = assert_constant_queries(
        lambda n: awaiting(users, n),
        lambda: _get(client, reverse("admin:changes_change_changelist")),
    )
    assert count <= BUDGETS["admin-changelist"]


def test_the_changelist_shows_approvals_progress_and_conflicts(users):
    awaiting(users, 2)
    page = logged_in(users["sam"], api=False).get(reverse("admin:changes_change_changelist"))
    assert b"1 of 2" in page.content
