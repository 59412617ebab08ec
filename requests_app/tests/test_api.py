"""The request API: scoping, submitting with answers, errors per question, approvals."""

import pytest
from rest_framework.test import APIClient

from requests_app.models import ServiceRequest
from requests_app.tests.factories import decide, make_item, make_request, setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return setup()


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_employees_see_their_own_and_those_for_them_404_otherwise(users):
    item = make_item()
    own = make_request(requester=users["emma"], item=item)
    for_her = make_request(requester=users["chris"], item=item, requested_for=users["emma"])
    elis = make_request(requester=users["eli"], item=item)
    emma = client_for(users["emma"])

    listed = {row["number"] for row in emma.get("/api/v1/requests/").json()["results"]}

    assert listed == {own.number, for_her.number}
    assert emma.get(f"/api/v1/requests/{elis.pk}/").status_code == 404
    assert (
        emma.post(f"/api/v1/requests/{elis.pk}/cancel/", {"reason": "x"}, format="json").status_code
        == 404
    )
    assert client_for(users["sam"]).get(f"/api/v1/requests/{elis.pk}/").status_code == 200


def test_managers_see_only_their_reports_pending_approvals(users):
    waiting = make_request(requester=users["emma"], item=make_item(approval="manager"))
    other = make_request(requester=users["hana"], item=make_item(approval="manager"))
    chris = client_for(users["chris"])

    assert chris.get(f"/api/v1/requests/{waiting.pk}/").status_code == 200
    assert chris.get(f"/api/v1/requests/{other.pk}/").status_code == 404
    decide(waiting, "approve", users["chris"])
    assert chris.get(f"/api/v1/requests/{waiting.pk}/").status_code == 404


def test_create_with_answers_and_per_question_errors(users):
    item = make_item()
    emma = client_for(users["emma"])

    bad = emma.post(
        "/api/v1/requests/", {"item": item.pk, "answers": {"model": "Power"}}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"answers.why_power": ["This question needs an answer."]}
    assert not ServiceRequest.objects.exists()

    good = emma.post(
        "/api/v1/requests/",
        {"item": item.pk, "answers": {"model": "Power", "why_power": "Video."}, "quantity": 2},
        format="json",
    )
    assert good.status_code == 201, good.json()
    assert good.json()["status"] == "approved" and good.json()["quantity"] == 2
    tasks = emma.get(f"/api/v1/requests/{good.json()['id']}/tasks/").json()
    assert [t["title"] for t in tasks] == ["Prepare", "Deliver"]


def test_catalog_items_carry_their_questions(users):
    item = make_item()

    rows = client_for(users["emma"]).get("/api/v1/catalog/items/").json()["results"]

    (found,) = [row for row in rows if row["id"] == item.pk]
    assert [q["key"] for q in found["questions"]] == ["model", "why_power"]
    assert found["questions"][1]["condition"] == {"key": "model", "value": "Power"}


def test_only_staff_edit_a_request_and_only_its_priority(users):
    request = make_request(requester=users["emma"])
    url = f"/api/v1/requests/{request.pk}/"
    version = request.version

    assert (
        client_for(users["emma"])
        .patch(url, {"version": version, "priority": 2}, format="json")
        .status_code
        == 403
    )
    sam = client_for(users["sam"])
    assert sam.patch(url, {"version": version, "quantity": 3}, format="json").status_code == 400
    edited = sam.patch(url, {"version": version, "priority": 2}, format="json")
    assert edited.status_code == 200 and edited.json()["priority"] == 2


def test_tasks_api_for_staff_only(users):
    request = make_request(requester=users["emma"])
    task = request.tasks.first()

    assert client_for(users["emma"]).get(f"/api/v1/request-tasks/{task.pk}/").status_code == 404
    sam = client_for(users["sam"])
    started = sam.post(f"/api/v1/request-tasks/{task.pk}/start/", {}, format="json")
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
