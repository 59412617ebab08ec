"""Deflection on the incident report form itself (issue 9 §4): matching published known
errors are the form's second step, before anything is logged."""

import pytest
from django.test import Client
from django.urls import reverse

from incidents.models import Incident
from itsm.models import Service
from problems.models import Deflection
from problems.tests.test_deflection import _known_error

pytestmark = pytest.mark.django_db

REPORT = reverse("incidents:create")


@pytest.fixture
def vpn(pat):
    service = Service.objects.create(name="VPN")
    return {
        "service": service,
        "published": _known_error(
            pat, "VPN drops every few minutes", "Reconnect **twice**.", service
        ),
        "hidden": _known_error(pat, "VPN drops at night", "Not yet.", service, publish=False),
    }


@pytest.fixture
def client(emma) -> Client:
    client = Client()
    client.force_login(emma)
    return client


def report(vpn, **extra):
    return {
        "title": "VPN drops all the time",
        "description": "Since Monday.",
        "service": vpn["service"].pk,
        "urgency": "medium",
        **extra,
    }


def test_a_matching_known_error_is_offered_before_anything_is_logged(client, vpn):
    response = client.post(REPORT, report(vpn))

    assert response.status_code == 200
    page = response.content.decode()
    assert vpn["published"].number in page
    assert "<strong>twice</strong>" in page
    assert vpn["hidden"].number not in page
    assert 'name="checked" value="1"' in page
    assert not Incident.objects.exists()


def test_none_of_these_helped_logs_the_incident_without_a_link(client, vpn, emma):
    response = client.post(REPORT, report(vpn, checked="1"))

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert (incident.reporter, incident.problem) == (emma, None)


def test_i_still_need_help_links_the_incident_to_the_known_errors_problem(client, vpn, emma):
    known = vpn["published"]
    response = client.post(REPORT, report(vpn, checked="1", known_error=str(known.pk)))

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert incident.problem == known
    latest = incident.history.first()
    assert latest.history_change_reason == f"reported against known error {known.number}"
    assert latest.history_user == emma


def test_a_link_to_an_unpublished_problem_logs_nothing(client, vpn):
    response = client.post(REPORT, report(vpn, checked="1", known_error=str(vpn["hidden"].pk)))

    assert response.status_code == 404
    assert not Incident.objects.exists()


def test_this_solved_it_records_a_deflection_and_logs_no_incident(client, vpn):
    known = vpn["published"]
    response = client.post(
        reverse("problems:solved", args=[known.pk]),
        {"title": "VPN drops all the time", "service": vpn["service"].pk},
    )

    assert response.status_code == 302
    assert Deflection.objects.filter(problem=known).count() == 1
    assert not Incident.objects.exists()


def test_with_nothing_matching_the_report_is_logged_at_once(client, vpn):
    response = client.post(REPORT, report(vpn, title="Printer is on fire"))

    assert response.status_code == 302
    assert Incident.objects.count() == 1


SUGGESTIONS = reverse("incidents:suggestions")


def test_the_form_asks_for_suggestions_while_typing(client, vpn):
    response = client.get(SUGGESTIONS, {"title": "VPN drops", "service": vpn["service"].pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert vpn["published"].number in page and "<strong>twice</strong>" in page
    assert vpn["hidden"].number not in page
    assert 'name="checked" value="1" form="report-form"' in page
    assert f'name="service" value="{vpn["service"].pk}"' in page


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"title": "VP"},
        {"title": "printer on fire"},
        {"title": "VPN drops", "service": "not-a-number"},
        {"title": "VPN drops", "service": "999999"},
        {"title": "VPN\ndrops"},
        {"title": "VPN drops " * 500},
    ],
    ids=["nothing", "too short", "no match", "bad service", "unknown service", "two lines", "huge"],
)
def test_incomplete_or_bad_input_suggests_nothing(client, vpn, query):
    response = client.get(SUGGESTIONS, query)

    assert (response.status_code, response.content) == (200, b"")


def test_suggestions_while_typing_need_a_signed_in_person(vpn):
    response = Client().get(SUGGESTIONS, {"title": "VPN drops"})

    assert response.status_code == 302
    assert vpn["published"].number not in response.content.decode()
