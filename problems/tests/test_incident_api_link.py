"""Linking an incident to a problem through the incident API (issue 9 §5)."""

import pytest

from incidents.tests.factories import make_incident
from problems.tests.factories import make_problem

pytestmark = pytest.mark.django_db


def patch(client, incident, **body):
    return client.patch(
        f"/api/v1/incidents/{incident.pk}/", {"version": incident.version, **body}, format="json"
    )


def test_staff_link_and_unlink_with_history_on_the_incident(api_as, sam, pat, emma):
    problem = make_problem(reported_by=pat)
    incident = make_incident(reporter=emma)
    client = api_as(sam)

    linked = patch(client, incident, problem=problem.pk)
    incident.refresh_from_db()
    unlinked = patch(client, incident, problem=None)
    incident.refresh_from_db()

    assert (linked.status_code, linked.json()["problem"]) == (200, problem.pk)
    assert (unlinked.status_code, incident.problem) == (200, None)
    rows = list(incident.history.order_by("-history_id")[:2])
    assert [row.problem_id for row in rows] == [None, problem.pk]
    assert {row.history_change_reason for row in rows} == {"update: problem"}
    assert {row.history_user for row in rows} == {sam}


def test_an_unknown_problem_is_a_400_and_changes_nothing(api_as, sam, emma):
    incident = make_incident(reporter=emma)

    response = patch(api_as(sam), incident, problem=999999)

    incident.refresh_from_db()
    assert response.status_code == 400
    assert response.json()["errors"]["problem"]
    assert incident.problem is None


def test_employees_cannot_link_their_incident_to_a_problem(api_as, pat, emma):
    problem = make_problem(reported_by=pat)
    incident = make_incident(reporter=emma)

    response = patch(api_as(emma), incident, problem=problem.pk)

    incident.refresh_from_db()
    assert response.status_code == 400
    assert incident.problem is None
