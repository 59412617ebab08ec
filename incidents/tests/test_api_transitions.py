"""The incident API transition endpoints."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from incidents import services
from incidents.choices import Status
from incidents.models import Incident
from incidents.tests.factories import incident_in, make_incident, network_team
from incidents.tests.helpers_api import API

pytestmark = pytest.mark.django_db


# --- Transitions ---------------------------------------------------------------------------


def _confirmed(incident, people):
    return services.incident_transition(
        incident_id=incident.pk, name="confirm", actor=people["emma"]
    )


class Set:
    """Equal to any value but None (a timestamp the transition must have filled in)."""

    def __eq__(self, other):
        return other is not None

    def __repr__(self):
        return "<set>"


SET = Set()

# endpoint, starting status, actor, body, expected fields of the answer ("a.b" looks
# inside a nested object). In bodies "@name" stands for that person's id.
# fmt: off
HAPPY = [
    ("assign", Status.NEW, "ravi", {"group": "@network", "assignee": "@ravi"},
     {"status": "assigned", "assignee.username": "ravi"}),
    ("start", Status.ASSIGNED, "ravi", {}, {"status": "in_progress"}),
    ("hold", Status.IN_PROGRESS, "ravi", {"hold_reason": "awaiting_vendor"},
     {"status": "on_hold", "hold_reason": "awaiting_vendor"}),
    ("resume", Status.ON_HOLD, "ravi", {}, {"status": "in_progress", "hold_reason": ""}),
    ("escalate", Status.IN_PROGRESS, "ravi", {},
     {"status": "assigned", "assignment_group.name": "Network Engineering (tier 3)"}),
    ("escalate-to-manager", Status.IN_PROGRESS, "ravi", {"reason": "Decide"},
     {"status": "in_progress", "assignment_group.name": "Network Operations"}),
    ("resolve", Status.IN_PROGRESS, "ravi",
     {"resolution_code": "workaround", "resolution_notes": "Rebooted."},
     {"status": "resolved", "resolution_code": "workaround"}),
    ("confirm", Status.RESOLVED, "emma", {}, {"status": "resolved", "confirmed_at": SET}),
    ("reject", Status.RESOLVED, "emma", {"reason": "Still broken"},
     {"status": "in_progress", "resolution_code": ""}),
    ("close", "confirmed", "sam", {}, {"status": "closed"}),
    ("cancel", Status.NEW, "sam", {"reason": "Logged twice"}, {"status": "cancelled"}),
    ("declare-major", Status.IN_PROGRESS, "ravi", {"communications_lead": "@sam"},
     {"is_major": True, "commander.username": "ravi", "communications_lead.username": "sam"}),
    ("stand-down-major", "major", "ravi", {}, {"is_major": False, "status": "in_progress"}),
]
# fmt: on


def _body(body: dict, people) -> dict:
    refs = {"@network": network_team().pk} | {f"@{name}": user.pk for name, user in people.items()}
    return {key: refs.get(value, value) for key, value in body.items()}


def _lookup(row: dict, path: str):
    for key in path.split("."):
        row = row[key]
    return row


# endpoint, starting status, actor, body, HTTP status, error code
# fmt: off
REFUSED = [
    ("assign", Status.NEW, "emma", {"group": 1}, 403, "not_permitted"),
    ("assign", Status.NEW, "ravi", {"group": 10**9}, 400, "invalid_input"),
    ("start", Status.NEW, "ravi", {}, 409, "invalid_state"),
    # A required input the body lacks is refused by the schema-built serializer (as
    # the forms do), before the state is looked at.
    ("hold", Status.IN_PROGRESS, "ravi", {}, 400, "invalid"),
    ("resume", Status.IN_PROGRESS, "ravi", {}, 409, "invalid_state"),
    ("escalate", Status.NEW, "ravi", {}, 409, "invalid_state"),
    ("escalate", Status.IN_PROGRESS, "ravi", {"kind": "functional"}, 400, "invalid"),
    ("resolve", Status.IN_PROGRESS, "ravi", {"resolution_notes": "Done"}, 400, "invalid"),
    ("resolve", Status.IN_PROGRESS, "ravi",
     {"resolution_code": "workaround", "resolution_notes": "  "}, 400, "invalid"),
    ("confirm", Status.RESOLVED, "sam", {}, 403, "not_permitted"),
    ("reject", Status.RESOLVED, "emma", {}, 400, "reason_required"),
    ("close", Status.RESOLVED, "sam", {}, 409, "confirmation_pending"),
    ("cancel", Status.NEW, "ravi", {"reason": "x"}, 403, "not_permitted"),
    ("declare-major", Status.NEW, "emma", {}, 403, "not_permitted"),
    ("stand-down-major", Status.IN_PROGRESS, "ravi", {}, 409, "not_major"),
    ("start", Status.ASSIGNED, "ravi", {"version": 1}, 409, "stale_version"),
    ("start", Status.ASSIGNED, "ravi", {"status": "closed"}, 400, "invalid"),
]
# fmt: on


def _incident(state, people):
    if state == "confirmed":
        return _confirmed(_incident(Status.RESOLVED, people), people)
    return incident_in(
        Status.IN_PROGRESS if state == "major" else state,
        reporter=people["emma"],
        agent=people["ravi"],
        desk=people["sam"],
        major=state == "major",
    )


@pytest.mark.parametrize(("endpoint", "state", "actor", "body", "expected"), HAPPY)
def test_transition_endpoint(api_as, people, endpoint, state, actor, body, expected):
    incident = _incident(state, people)
    rows = incident.history.count()

    response = api_as(people[actor]).post(
        f"{API}{incident.pk}/{endpoint}/",
        {**_body(body, people), "version": incident.version},
        format="json",
    )

    assert response.status_code == 200, response.content
    row = response.json()
    assert {path: _lookup(row, path) for path in expected} == expected
    assert row["version"] == incident.version + 1
    assert incident.history.count() == rows + 1
    assert incident.history.first().history_user == people[actor]


@pytest.mark.parametrize(("endpoint", "state", "actor", "body", "code", "error"), REFUSED)
def test_refused_transition_changes_nothing(
    api_as, people, endpoint, state, actor, body, code, error
):
    incident = _incident(state, people)
    rows = incident.history.count()

    response = api_as(people[actor]).post(f"{API}{incident.pk}/{endpoint}/", body, format="json")

    assert response.status_code == code, response.content
    assert response.json()["code"] == error
    assert response.json()["detail"]
    after = Incident.objects.get(pk=incident.pk)
    assert (after.status, after.version) == (incident.status, incident.version)
    assert incident.history.count() == rows


@pytest.mark.parametrize("endpoint", ["assign", "resolve", "cancel", "declare-major"])
def test_get_on_a_transition_is_not_allowed(api_as, emma, sam, endpoint):
    incident = make_incident(reporter=emma)

    response = api_as(sam).get(f"{API}{incident.pk}/{endpoint}/")

    assert response.status_code == 405
    assert Incident.objects.get(pk=incident.pk).version == incident.version


def test_api_and_service_write_the_same_history(api_as, people):
    through_api = _incident(Status.IN_PROGRESS, people)
    through_service = _incident(Status.IN_PROGRESS, people)
    params = {"resolution_code": "workaround", "resolution_notes": "Rebooted.", "reason": "ok"}

    response = api_as(people["ravi"]).post(f"{API}{through_api.pk}/resolve/", params, format="json")
    services.incident_transition(
        incident_id=through_service.pk, name="resolve", actor=people["ravi"], **params
    )

    assert response.status_code == 200
    client = api_as(people["sam"])
    by_api = client.get(f"{API}{through_api.pk}/history/").json()["results"][-1]
    by_service = client.get(f"{API}{through_service.pk}/history/").json()["results"][-1]
    for entry in (by_api, by_service):
        entry.pop("history_id"), entry.pop("history_date")
    assert by_api["change_reason"] == "resolve: ok"
    assert [c["field"] for c in by_api["changes"]] == [c["field"] for c in by_service["changes"]]
    assert {k: v for k, v in by_api.items() if k != "changes"} == {
        k: v for k, v in by_service.items() if k != "changes"
    }


def test_priority_override_through_the_api(api_as, emma, sam):
    incident = make_incident(reporter=emma, impact="low", urgency="low")
    url = f"{API}{incident.pk}/override-priority/"
    refused = api_as(sam).post(url, {"priority": 1}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    assert (
        api_as(emma).post(url, {"priority": 1, "reason": "urgent"}, format="json").status_code
        == 403
    )
    response = api_as(sam).post(url, {"priority": 1, "reason": "Board meeting"}, format="json")
    assert response.status_code == 200
    assert response.json()["priority"] == 1 and response.json()["priority_overridden"] is True
    assert incident.history.first().history_change_reason == "priority_override: Board meeting"
    cleared = api_as(sam).post(url, {"priority": None, "reason": "matrix"}, format="json")
    assert cleared.json()["priority"] == 5


@pytest.mark.parametrize(("endpoint", "state", "actor", "body", "code", "error"), REFUSED)
def test_every_refusal_is_documented_for_its_endpoint(endpoint, state, actor, body, code, error):
    schema = SchemaGenerator().get_schema(request=None, public=True)

    responses = schema["paths"][f"{API}{{id}}/{endpoint}/"]["post"]["responses"]

    assert f"`{error}`" in responses[str(code)]["description"]
