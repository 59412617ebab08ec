"""One approvals inbox for every record type: a CAB member who is also a line manager sees
the changes and the service requests waiting on them on one page, and decides either."""

import pytest
from django.test import Client
from django.urls import reverse

from changes import services as change_services
from changes.tests.factories import make_change
from changes.tests.factories import setup as change_setup
from itsm.models import Profile
from itsm.testing.queries import assert_constant_queries
from requests_app.tests.factories import make_item, make_request

pytestmark = pytest.mark.django_db

INBOX = reverse("portal:approvals")


@pytest.fixture
def users():
    users = change_setup()
    Profile.objects.update_or_create(user=users["eli"], defaults={"manager": users["alex"]})
    return users


def waiting(users, count):
    """``count`` changes awaiting the CAB and ``count`` requests awaiting eli's manager."""
    item = make_item(approval="manager")
    made = []
    for _ in range(count):
        change = make_change(requested_by=users["chris"])
        change_services.change_transition(change_id=change.pk, name="submit", actor=users["chris"])
        change_services.change_transition(
            change_id=change.pk, name="request_authorisation", actor=users["chris"]
        )
        made += [change, make_request(requester=users["eli"], item=item)]
    return made


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_changes_and_requests_wait_in_one_inbox(users):
    change, request = waiting(users, 1)

    page = signed_in(users["alex"]).get(INBOX).content.decode()

    assert change.number in page and request.number in page
    assert reverse("changes:decide", args=[change.pk]) in page
    assert reverse("requests_app:decide", args=[request.pk]) in page
    # The old addresses of the two inboxes show the same page.
    for old in ("changes:inbox", "requests_app:inbox"):
        assert request.number in signed_in(users["alex"]).get(reverse(old)).content.decode()


def test_a_decision_from_the_inbox_comes_back_to_it(users):
    _change, request = waiting(users, 1)
    client = signed_in(users["alex"])

    response = client.post(
        reverse("requests_app:decide", args=[request.pk]),
        {"decision": "approve", "version": request.version, "comment": ""},
    )

    assert response.status_code == 302 and response["Location"] == INBOX
    page = client.get(INBOX).content.decode()
    assert reverse("requests_app:decide", args=[request.pk]) not in page
    assert "Service request" in page.split("My past decisions")[1]


def test_someone_with_nothing_to_approve_sees_an_empty_inbox(users):
    waiting(users, 1)

    page = signed_in(users["emma"]).get(INBOX).content.decode()

    assert "Nothing waits for your approval." in page


def test_the_inbox_costs_the_same_for_one_or_many_records(users):
    client = signed_in(users["alex"])

    def get():
        response = client.get(INBOX)
        assert response.status_code == 200
        return response

    assert assert_constant_queries(lambda n: waiting(users, n), get) <= 16


def test_a_bad_decision_names_the_field_and_decides_nothing(users):
    _change, request = waiting(users, 1)

    response = signed_in(users["alex"]).post(
        reverse("requests_app:decide", args=[request.pk]),
        {"decision": "maybe", "version": request.version},
    )

    assert response.status_code == 400
    assert "Decision: Select a valid choice." in response.content.decode()
    request.refresh_from_db()
    assert request.status == "awaiting_approval"


def test_a_refused_request_decision_shows_the_inbox_with_its_status(users):
    _change, request = waiting(users, 1)

    response = signed_in(users["alex"]).post(
        reverse("requests_app:decide", args=[request.pk]),
        {"decision": "approve", "version": request.version - 1},
    )

    assert response.status_code == 409
    assert request.number in response.content.decode()
