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


def test_the_incident_page_suggests_published_known_errors_linked_in_one_click(sam, emma, pat):
    from itsm.models import Service
    from problems.services import problem_transition

    vpn = Service.objects.create(name="VPN")
    problem = problem_in(Status.KNOWN_ERROR, title="VPN drops under load", service=vpn)
    problem_transition(problem_id=problem.pk, name="publish_workaround", actor=pat)
    incident = make_incident(reporter=emma, title="My VPN drops", service=vpn)
    client = _signed_in(sam)
    page = client.get(f"{INCIDENTS}{incident.pk}/change/").content.decode()
    assert 'formaction="../transition/link_problem/"' in page and problem.number in page

    response = client.post(
        f"{INCIDENTS}{incident.pk}/transition/link_problem/", {"problem": problem.number}
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.problem == problem
    assert incident.history.latest().history_change_reason == f"linked to {problem.number}"


def test_a_major_incident_is_offered_a_problem(sam, emma, ravi):
    from incidents.services import incident_transition

    major = make_incident(reporter=emma, title="Head office offline")
    incident_transition(incident_id=major.pk, name="declare_major", actor=ravi)
    child = make_incident(reporter=emma, parent=None)
    from incidents.services import incident_update

    incident_update(incident_id=child.pk, actor=sam, changes={"parent": major})
    client = _signed_in(sam)
    page = client.get(f"{INCIDENTS}{major.pk}/change/").content.decode()
    assert "transition/create_problem/" in page

    assert client.post(f"{INCIDENTS}{major.pk}/transition/create_problem/").status_code == 302

    problem = Problem.objects.get()
    assert problem.origin == "major_incident"
    assert set(problem.incidents.values_list("pk", flat=True)) == {major.pk, child.pk}
    page = client.get(f"{INCIDENTS}{major.pk}/change/").content.decode()
    assert "transition/create_problem/" not in page and problem.number in page
