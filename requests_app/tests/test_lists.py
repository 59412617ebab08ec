"""Query budgets of every request list: the count does not grow with the rows, and is
pinned (with a real session: session, user, roles, then the page)."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from itsm.testing.queries import assert_constant_queries
from requests_app import services
from requests_app.tests.factories import make_item, make_request, setup

pytestmark = pytest.mark.django_db

BUDGETS = {
    "servicerequest-list": 8,
    "servicerequest-approvals": 9,
    "servicerequest-tasks": 8,
    "servicerequest-comments": 7,
    "servicerequest-history": 7,
    "requesttask-list": 7,
    "catalogitem-list": 8,
    "portal-list": 8,
    "portal-inbox": 9,
    "portal-catalog": 7,
    "admin-changelist": 10,
    "admin-tasks": 10,
}
SMALL, LARGE = 2, 8


@pytest.fixture
def users():
    return setup()


def logged_in(user, api=True):
    client = APIClient() if api else Client()
    client.force_login(user)
    return client


def rows(users, count, *, manager=True):
    """``count`` requests of emma's: awaiting her manager when ``manager``, else approved
    with two tasks (one started); each with a public comment."""
    item = make_item(approval="manager" if manager else "none")
    made = []
    for _ in range(count):
        request = make_request(requester=users["emma"], item=item)
        services.request_comment_add(request_id=request.pk, actor=users["sam"], body="On it.")
        if not manager:
            services.task_transition(
                task_id=request.tasks.first().pk, name="start", actor=users["sam"]
            )
        made.append(request)
    return made


def _get(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200, response.content[:300]


def _measure(make, url, client, **query):
    """The count with SMALL and LARGE rows, after one warm-up (per-process caches such as
    content types fill on the first request)."""

    def warmed(n):
        make(n)
        _get(client, url, **query)

    return assert_constant_queries(
        warmed, lambda: _get(client, url, **query), small=SMALL, large=LARGE
    )


@pytest.mark.parametrize("who", ["emma", "sam"])
def test_api_request_list(users, who):
    count = _measure(
        lambda n: rows(users, n, manager=False), "/api/v1/requests/", logged_in(users[who])
    )
    assert count <= BUDGETS["servicerequest-list"]


@pytest.mark.parametrize("name", ["approvals", "tasks", "comments", "history"])
def test_api_lists_of_one_request(users, name):
    first = rows(users, 1, manager=False)[0]
    count = _measure(
        lambda n: rows(users, n, manager=False),
        f"/api/v1/requests/{first.pk}/{name}/",
        logged_in(users["emma"]),
    )
    assert count <= BUDGETS[f"servicerequest-{name}"]


def test_api_task_list(users):
    count = _measure(
        lambda n: rows(users, n, manager=False), "/api/v1/request-tasks/", logged_in(users["sam"])
    )
    assert count <= BUDGETS["requesttask-list"]


def test_api_catalog_items(users):
    count = _measure(
        lambda n: [make_item() for _ in range(n)],
        "/api/v1/catalog/items/",
        logged_in(users["emma"]),
    )
    assert count <= BUDGETS["catalogitem-list"]


def test_portal_my_requests(users):
    count = _measure(
        lambda n: rows(users, n, manager=False),
        reverse("requests_app:list"),
        logged_in(users["emma"], api=False),
    )
    assert count <= BUDGETS["portal-list"]


def test_portal_inbox(users):
    count = _measure(
        lambda n: rows(users, n),
        reverse("requests_app:inbox"),
        logged_in(users["chris"], api=False),
    )
    assert count <= BUDGETS["portal-inbox"]


def test_portal_catalog(users):
    count = _measure(
        lambda n: [make_item() for _ in range(n)],
        reverse("requests_app:catalog"),
        logged_in(users["emma"], api=False),
    )
    assert count <= BUDGETS["portal-catalog"]


def test_admin_changelists(users):
    client = logged_in(users["sam"], api=False)
    count = _measure(
        lambda n: rows(users, n, manager=False),
        reverse("admin:requests_app_servicerequest_changelist"),
        client,
    )
    assert count <= BUDGETS["admin-changelist"]
    count = _measure(
        lambda n: rows(users, n, manager=False),
        reverse("admin:requests_app_fulfilmenttask_changelist"),
        client,
    )
    assert count <= BUDGETS["admin-tasks"]


def test_the_lists_show_progress(users):
    rows(users, 1, manager=False)
    rows(users, 1)
    page = logged_in(users["emma"], api=False).get(reverse("requests_app:list"))
    assert b"0 of 2" in page.content and b"waiting at step 1" in page.content
    home = logged_in(users["emma"], api=False).get(reverse("portal:home"))
    assert b"awaiting approval (step 1)" in home.content
