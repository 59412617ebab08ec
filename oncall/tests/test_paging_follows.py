"""Paging follows the incident's priority: raising it to P1/P2 by an edit (admin form, API
PATCH) or an override (admin button, API action) pages the group's on-call person once;
lowering it pages nobody; an incident no group holds costs no task and no query."""

from unittest import mock

import pytest
from django.test import Client
from rest_framework.test import APIClient

from incidents import services as incident_services
from incidents.tests.factories import make_incident
from incidents.tests.test_admin_edit import form_data
from itsm.choices import Level
from itsm.testing.clock import install_clock
from oncall.models import Page
from oncall.tests.factories import NOON, assigned_incident, network_on_call

pytestmark = pytest.mark.django_db

ADMIN = "/admin/incidents/incident/"
API = "/api/v1/incidents/"


@pytest.fixture
def clock(monkeypatch):
    return install_clock(monkeypatch, NOON)


@pytest.fixture
def on_call(people):
    return network_on_call(people)


@pytest.fixture
def p3(people, on_call, clock):
    incident = assigned_incident(people, impact=Level.MEDIUM, urgency=Level.MEDIUM)
    assert incident.priority == 3 and not Page.objects.exists()
    return incident


def paged(incident) -> list[str]:
    return [p.person.username for p in Page.objects.filter(incident=incident)]


def _admin_edit(people, incident):
    client = Client()
    client.force_login(people["sam"])
    url = f"{ADMIN}{incident.pk}/change/"
    data = form_data(client.get(url))
    response = client.post(url, {**data, "impact": "high", "urgency": "high", "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]


def _api_patch(people, incident):
    client = APIClient()
    client.force_authenticate(people["sam"])
    body = {"urgency": "high", "version": incident.version}
    response = client.patch(f"{API}{incident.pk}/", body, format="json")
    assert response.status_code == 200, response.content


def _admin_override(people, incident):
    client = Client()
    client.force_login(people["sam"])
    body = {"priority": "1", "reason": "The CEO is affected", "expected_version": incident.version}
    response = client.post(f"{ADMIN}{incident.pk}/transition/override_priority/", body)
    assert response.status_code == 302, response.content.decode()[:2000]


def _api_override(people, incident):
    client = APIClient()
    client.force_authenticate(people["sam"])
    body = {"priority": 2, "reason": "Payroll day", "version": incident.version}
    response = client.post(f"{API}{incident.pk}/override-priority/", body, format="json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("how", [_admin_edit, _api_patch, _admin_override, _api_override])
def test_raising_the_priority_pages_the_groups_on_call_once(
    people, p3, how, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        how(people, p3)
    assert paged(p3) == ["ravi"]
    p3.refresh_from_db()
    assert p3.priority in (1, 2)
    # Raised again (P2 -> P1, or overridden once more): the group was paged already.
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.incident_override_priority(
            incident_id=p3.pk, actor=people["sam"], priority=1, reason="worse"
        )
    assert paged(p3) == ["ravi"]


def test_lowering_or_keeping_a_low_priority_pages_nobody(
    people, p3, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.incident_update(
            incident_id=p3.pk, actor=people["sam"], changes={"urgency": Level.LOW}
        )
        incident_services.incident_override_priority(
            incident_id=p3.pk, actor=people["sam"], priority=5, reason="cosmetic"
        )
    assert paged(p3) == []


def test_a_new_p1_in_a_group_queues_paging_and_one_without_a_group_queues_nothing(
    people, on_call, clock, django_capture_on_commit_callbacks
):
    with mock.patch("oncall.tasks.page_incident.delay") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            nobody = make_incident(reporter=people["emma"], impact="high", urgency="high")
            low = make_incident(reporter=people["emma"])
        assert nobody.assignment_group_id is None and low.priority > 2
        assert queued.call_count == 0  # decided from the saved incident: no task, no query
        with django_capture_on_commit_callbacks(execute=True):
            incident = assigned_incident(people)
    assert [c.args for c in queued.call_args_list] == [(incident.pk,)]
    assert incident.priority == 1


def test_a_priority_change_of_an_incident_without_a_group_queues_nothing(
    people, django_capture_on_commit_callbacks
):
    incident = make_incident(reporter=people["emma"])
    with (
        mock.patch("oncall.tasks.page_incident.delay") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        incident_services.incident_override_priority(
            incident_id=incident.pk, actor=people["sam"], priority=1, reason="outage"
        )
    assert queued.call_count == 0
