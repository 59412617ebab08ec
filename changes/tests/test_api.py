"""The change API: scoping, create, edit, filters, transitions, approvals and conflicts."""

import pytest
from rest_framework.test import APIClient

from changes.tests.factories import make_change, make_item, setup, window
from itsm.models import Approval

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return setup()


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_employees_get_a_404_for_every_change(users):
    change = make_change(requested_by=users["chris"])
    client = api(users["emma"])
    assert client.get("/api/v1/changes/").json()["results"] == []
    assert client.get(f"/api/v1/changes/{change.pk}/").status_code == 404
    assert client.post(f"/api/v1/changes/{change.pk}/submit/", {}, format="json").status_code == 404


def test_create_edit_and_submit_through_the_api(users):
    client = api(users["chris"])
    start, end = window()
    item = make_item("api-web", criticality="high")
    created = client.post(
        "/api/v1/changes/",
        {
            "title": "Rotate keys",
            "configuration_items": [item.pk],
            "implementation_plan": "Rotate.",
            "backout_plan": "Restore.",
            "planned_start": start.isoformat(),
            "planned_end": end.isoformat(),
            "risk_answers": {"users_affected": 200, "backout_tested": True},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"].startswith("CHG")
    assert (body["risk"], body["risk_score"]) == ("low", 3)
    assert body["risk_answers"]["ci_criticality"] == "high"

    edited = client.patch(
        f"/api/v1/changes/{body['id']}/", {"title": "Rotate TLS keys"}, format="json"
    )
    assert edited.status_code == 400
    edited = client.patch(
        f"/api/v1/changes/{body['id']}/",
        {"title": "Rotate TLS keys", "version": body["version"]},
        format="json",
    )
    assert edited.status_code == 200
    submitted = client.post(
        f"/api/v1/changes/{body['id']}/submit/",
        {"version": edited.json()["version"]},
        format="json",
    )
    assert submitted.json()["status"] == "assessment"


def test_filters_by_type_status_risk_and_item(users):
    item = make_item("filter-db")
    mine = make_change(requested_by=users["chris"], configuration_items=[item])
    make_change(requested_by=users["chris"])
    client = api(users["sam"])
    found = client.get("/api/v1/changes/", {"configuration_item": item.pk}).json()["results"]
    assert [c["number"] for c in found] == [mine.number]
    assert (
        len(client.get("/api/v1/changes/", {"status": "draft", "risk": "low"}).json()["results"])
        == 2
    )
    assert client.get("/api/v1/changes/", {"change_type": "emergency"}).json()["results"] == []
    assert client.get("/api/v1/changes/", {"risk": "extreme"}).status_code == 400


def test_approve_through_the_api_and_read_the_approvals_and_inbox(users):
    chris = users["chris"]
    change = make_change(requested_by=chris)
    client = api(chris)
    version = client.post(f"/api/v1/changes/{change.pk}/submit/", {}, format="json").json()[
        "version"
    ]
    version = client.post(
        f"/api/v1/changes/{change.pk}/request-authorisation/", {"version": version}, format="json"
    ).json()["version"]
    alex = api(users["alex"])
    inbox = alex.get("/api/v1/approvals/").json()
    assert [row["change"]["number"] for row in inbox] == [change.number]

    answer = alex.post(f"/api/v1/changes/{change.pk}/approve/", {"version": version}, format="json")

    assert answer.status_code == 200, answer.content
    assert Approval.objects.get().approver == users["alex"]
    tracks = client.get(f"/api/v1/changes/{change.pk}/approvals/").json()
    assert tracks[0]["state"] == "approved"
    assert tracks[0]["approvals"][0]["approver"] == "alex"
    assert alex.get("/api/v1/approvals/").json() == []


def test_conflicts_endpoint(users):
    item = make_item("conflict-web")
    first = make_change(requested_by=users["chris"], configuration_items=[item])
    client = api(users["chris"])
    client.post(f"/api/v1/changes/{first.pk}/submit/", {}, format="json")
    client.post(f"/api/v1/changes/{first.pk}/request-authorisation/", {}, format="json")
    second = make_change(requested_by=users["chris"], configuration_items=[item])

    body = client.get(f"/api/v1/changes/{second.pk}/conflicts/").json()

    assert [c["change"] for c in body["current"]] == [first.number]
