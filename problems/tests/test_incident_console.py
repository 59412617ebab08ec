"""On the incident console: link the selected incidents to a problem, create a problem
from them, and see an incident's problem with its known-error workaround."""

import pytest
from django.test import Client

from incidents.tests.factories import make_incident
from problems.choices import Status
from problems.models import Problem
from problems.tests.factories import KNOWN_ERROR_INPUT, problem_in

pytestmark = pytest.mark.django_db

INCIDENTS = "/admin/incidents/incident/"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _action(client, name, incidents, **extra):
    return client.post(
        INCIDENTS,
        {"action": name, "_selected_action": [i.pk for i in incidents], **extra},
    )


def test_link_to_problem_asks_for_the_number_then_links_with_history(sam, emma):
    problem = problem_in(Status.ASSESSED)
    incidents = [make_incident(reporter=emma) for _ in range(2)]
    client = _signed_in(sam)
    page = _action(client, "link_to_problem", incidents)
    assert page.status_code == 200 and "Problem number" in page.content.decode()
    wrong = _action(client, "link_to_problem", incidents, apply="yes", problem="PRB9999999")
    assert "No problem PRB9999999" in wrong.content.decode()

    done = _action(client, "link_to_problem", incidents, apply="yes", problem=problem.number)

    assert done.status_code == 302
    for incident in incidents:
        incident.refresh_from_db()
        assert incident.problem == problem
        assert incident.history.latest().history_user == sam


def test_create_a_problem_from_the_selected_incidents(sam, emma):
    incidents = [make_incident(reporter=emma) for _ in range(3)]
    response = _action(_signed_in(sam), "create_problem_from_incidents", incidents)
    problem = Problem.objects.get()
    assert response["Location"] == f"/admin/problems/problem/{problem.pk}/change/"
    assert problem.incidents.count() == 3 and problem.reported_by == sam


def test_the_incident_page_shows_its_problem_and_the_workaround(sam, emma, pat):
    problem = problem_in(Status.KNOWN_ERROR)
    incident = make_incident(reporter=emma)
    from problems.services import problem_link_incidents

    problem_link_incidents(problem_id=problem.pk, incident_ids=[incident.pk], actor=pat)
    page = _signed_in(sam).get(f"{INCIDENTS}{incident.pk}/change/").content.decode()
    assert problem.number in page
    assert KNOWN_ERROR_INPUT["workaround"] in page
