"""The check before reporting: ranking (same service, then matching words), "this solved
it" (a deflection, no incident) and "I still need help" (an incident linked to the known
error's problem). Runs on SQLite (word match) and on PostgreSQL (full-text rank)."""

import pytest
from django.test import Client

from incidents.models import Incident
from itsm.models import Service
from problems import services
from problems.choices import Status
from problems.models import Deflection
from problems.selectors import known_error_search
from problems.tests.factories import problem_in

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _known_error(pat, title, workaround, service=None, publish=True):
    problem = problem_in(Status.ROOT_CAUSE_ANALYSIS, title=title, service=service)
    services.problem_transition(
        problem_id=problem.pk,
        name="record_known_error",
        actor=pat,
        root_cause="Found it.",
        workaround=workaround,
    )
    if publish:
        services.problem_transition(problem_id=problem.pk, name="publish_workaround", actor=pat)
    return problem


@pytest.fixture
def catalogue(pat):
    vpn = Service.objects.create(name="VPN")
    mail = Service.objects.create(name="E-mail")
    return {
        "vpn": vpn,
        "mail": mail,
        "vpn_drops": _known_error(pat, "VPN drops every few minutes", "Reconnect.", vpn),
        "mail_drops": _known_error(pat, "Mail connection drops", "Restart Outlook.", mail),
        "outlook": _known_error(pat, "Outlook asks for the password", "Clear credentials.", mail),
        "hidden": _known_error(pat, "VPN drops secretly", "Not yet.", vpn, publish=False),
    }


def test_the_chosen_service_comes_first_then_matching_words(catalogue, emma):
    found = list(known_error_search(user=emma, text="connection drops", service=catalogue["vpn"]))
    assert found[0] == catalogue["vpn_drops"]
    assert catalogue["mail_drops"] in found
    assert catalogue["outlook"] not in found
    assert catalogue["hidden"] not in found


def test_more_matching_words_rank_higher(catalogue, emma):
    found = list(known_error_search(user=emma, text="mail connection drops"))
    assert found[0] == catalogue["mail_drops"]


def test_no_words_and_no_service_matches_nothing(catalogue, emma):
    assert list(known_error_search(user=emma, text="a ?")) == []


def test_this_solved_it_records_a_deflection_and_no_incident(catalogue, emma):
    client = _signed_in(emma)
    problem = catalogue["vpn_drops"]
    page = client.get("/portal/known-errors/check/", {"title": "my VPN drops", "service": ""})
    assert "Reconnect." in page.content.decode()

    response = client.post(
        f"/portal/known-errors/{problem.pk}/solved/", {"title": "my VPN drops", "service": ""}
    )

    assert response.status_code == 302
    deflection = Deflection.objects.get()
    assert (deflection.problem, deflection.user, deflection.title) == (
        problem,
        emma,
        "my VPN drops",
    )
    assert deflection.history.count() == 1
    assert not Incident.objects.exists()


def test_i_still_need_help_logs_the_incident_linked_to_the_problem(catalogue, emma):
    problem = catalogue["vpn_drops"]
    response = _signed_in(emma).post(
        f"/portal/known-errors/{problem.pk}/report/",
        {"title": "VPN drops at home", "service": catalogue["vpn"].pk, "description": "Still."},
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    assert (incident.problem, incident.reporter, incident.service) == (
        problem,
        emma,
        catalogue["vpn"],
    )
    assert incident.history.latest().history_change_reason == (
        f"reported against known error {problem.number}"
    )
    assert not Deflection.objects.exists()


def test_an_unpublished_known_error_cannot_be_deflected_to_or_reported_against(catalogue, emma):
    hidden = catalogue["hidden"]
    client = _signed_in(emma)
    assert client.post(f"/portal/known-errors/{hidden.pk}/solved/").status_code == 404
    report = client.post(f"/portal/known-errors/{hidden.pk}/report/", {"title": "VPN drops"})
    assert report.status_code == 404
    assert not Incident.objects.exists() and not Deflection.objects.exists()


def test_the_suggest_endpoint_answers_the_same_ranking(catalogue, emma):
    response = _signed_in(emma).get(
        "/portal/known-errors/suggest/",
        {"title": "connection drops", "service": catalogue["vpn"].pk},
    )
    numbers = [row["number"] for row in response.json()["results"]]
    assert numbers[0] == catalogue["vpn_drops"].number
    assert catalogue["hidden"].number not in numbers


def test_the_api_suggestions_match_the_portal(catalogue, emma, api_as):
    response = api_as(emma).get(
        "/api/v1/known-errors/suggest/",
        {"title": "connection drops", "service": catalogue["vpn"].pk},
    )
    assert response.json()[0]["number"] == catalogue["vpn_drops"].number


def test_deflections_are_counted_per_known_error(catalogue, emma, eli):
    for user in (emma, eli):
        services.deflection_record(actor=user, problem_id=catalogue["outlook"].pk)
    assert catalogue["outlook"].deflections.count() == 2
