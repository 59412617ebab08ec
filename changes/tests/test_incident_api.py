"""The incident API marks an incident as caused by a change through the same service as
the admin button: staff set and clear it; bad input is a 400 naming the rule; employees
get a 403 (their own incident) or a 404 (another's), never a 500."""

import pytest
from rest_framework.test import APIClient

from changes.tests.factories import make_change, make_implemented_change, setup
from incidents.tests.factories import make_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return setup()


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def mark(client, incident, body):
    return client.post(f"/api/v1/incidents/{incident.pk}/caused-by-change/", body, format="json")


def test_staff_set_and_clear_the_change_that_caused_an_incident(users):
    change = make_implemented_change(requested_by=users["chris"])
    incident = make_incident(reporter=users["emma"], title="Checkout fails")
    sam = api(users["sam"])

    answer = mark(sam, incident, {"change": change.pk})

    assert answer.status_code == 200, answer.content
    assert answer.json()["caused_by_change"] == change.pk
    assert sam.get(f"/api/v1/incidents/{incident.pk}/").json()["caused_by_change"] == change.pk
    incident.refresh_from_db()
    assert incident.history.latest().history_change_reason == f"caused by {change.number}"

    cleared = mark(sam, incident, {"change": None})

    assert cleared.status_code == 200
    assert cleared.json()["caused_by_change"] is None
    incident.refresh_from_db()
    assert incident.caused_by_change is None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "invalid"),
        ({"change": "CHG0000001"}, "invalid"),
        ({"change": 10**30}, "invalid"),
        ({"change": 1, "extra": True}, "invalid"),
        ({"change": 999999}, "change_not_found"),
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(users, body, code):
    incident = make_incident(reporter=users["emma"])

    answer = mark(api(users["sam"]), incident, body)

    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == code
    incident.refresh_from_db()
    assert incident.caused_by_change is None


def test_a_change_not_yet_started_is_refused_with_the_rule(users):
    draft = make_change(requested_by=users["chris"])
    incident = make_incident(reporter=users["emma"])

    answer = mark(api(users["sam"]), incident, {"change": draft.pk})

    assert answer.status_code == 400
    assert answer.json()["code"] == "change_not_implemented"
    assert "implementing, in review or closed" in answer.json()["detail"]


def test_employees_can_never_set_it(users):
    change = make_implemented_change(requested_by=users["chris"])
    own = make_incident(reporter=users["emma"])
    other = make_incident(reporter=users["sam"], affected_user=users["sam"])
    emma = api(users["emma"])

    refused = mark(emma, own, {"change": change.pk})
    hidden = mark(emma, other, {"change": change.pk})

    assert refused.status_code == 403
    assert refused.json()["code"] == "not_permitted"
    assert hidden.status_code == 404
    for incident in (own, other):
        incident.refresh_from_db()
        assert incident.caused_by_change is None
    assert "caused_by_change" not in emma.get(f"/api/v1/incidents/{own.pk}/").json()
