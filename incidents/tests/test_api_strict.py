"""The incident API accepts only what its schema documents (issue 7 §6).

Before, ``"category": 1.5`` became category 1, ``"description": 0`` became ``"0"``, a
string version or priority was read as a number, and the blank resolution code of a
reopened incident was outside the documented enum.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator

from incidents.choices import Status
from incidents.models import Incident
from incidents.tests.factories import incident_in, make_incident
from incidents.tests.helpers_api import API

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", 1.5),
        ("category", "1"),
        ("category", True),
        ("description", 0),
        ("title", ["a list"]),
        ("urgency", 2),
    ],
)
def test_create_refuses_values_of_the_wrong_type(api_as, emma, network_category, field, value):
    body = {"title": "VPN drops", "category": network_category.pk, field: value}

    response = api_as(emma).post(API, body, format="json")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert not Incident.objects.exists()


def test_edit_refuses_a_version_sent_as_a_string(api_as, emma):
    incident = make_incident(reporter=emma)

    response = api_as(emma).patch(
        f"{API}{incident.pk}/", {"title": "New", "version": str(incident.version)}, format="json"
    )

    assert response.status_code == 400 and "version" in response.json()["errors"]
    assert Incident.objects.get(pk=incident.pk).version == incident.version


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        ("assign", {"group": "1"}, "group"),
        ("assign", {"assignee": 1.0}, "assignee"),
        ("cancel", {"reason": 5}, "reason"),
        ("override-priority", {"priority": "1", "reason": "Board"}, "priority"),
    ],
)
def test_actions_refuse_values_of_the_wrong_type(api_as, emma, sam, endpoint, body, field):
    incident = make_incident(reporter=emma)

    response = api_as(sam).post(f"{API}{incident.pk}/{endpoint}/", body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert Incident.objects.get(pk=incident.pk).version == incident.version


def test_cancel_without_a_reason_is_refused_with_the_tables_code(api_as, emma, sam):
    incident = make_incident(reporter=emma)

    response = api_as(sam).post(f"{API}{incident.pk}/cancel/", {}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "reason_required"
    assert response.json()["errors"] == {"reason": [response.json()["detail"]]}


def test_the_escalations_are_two_endpoints_and_kind_is_refused(api_as, people):
    incident = incident_in(
        Status.IN_PROGRESS, reporter=people["emma"], agent=people["ravi"], desk=people["sam"]
    )
    client = api_as(people["ravi"])

    refused = client.post(f"{API}{incident.pk}/escalate/", {"kind": "hierarchical"}, format="json")
    to_manager = client.post(f"{API}{incident.pk}/escalate-to-manager/", {}, format="json")

    assert refused.status_code == 400 and "kind" in refused.json()["errors"]
    assert to_manager.status_code == 200, to_manager.content
    assert incident.history.first().history_transition == "escalate_to_manager"


def test_the_read_schema_admits_the_blank_resolution_code_a_reopened_incident_has():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    for shape in ("EmployeeIncident", "StaffIncident", "StaffIncidentDetail"):
        field = components[shape]["properties"]["resolution_code"]
        refs = {ref["$ref"].rsplit("/", 1)[-1] for ref in field.get("oneOf", [])}
        assert "BlankEnum" in refs, shape
        assert components["BlankEnum"]["enum"] == [""]
