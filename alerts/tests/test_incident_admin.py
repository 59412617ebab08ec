"""The incident's console page lists its alert events, in a fixed number of queries."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from alerts.incident_admin import EVENTS_SHOWN
from alerts.models import AlertEvent
from alerts.tests import payloads as p
from alerts.tests.helpers import make_integration, post
from itsm.testing.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitored(people, django_capture_on_commit_callbacks):
    """An incident opened by an alert, and a console client."""
    integration = make_integration()
    post(integration, p.alertmanager(), capture=django_capture_on_commit_callbacks)
    event = AlertEvent.objects.select_related("incident").get()
    client = Client()
    client.force_login(people["sam"])
    return integration, event, client


def _page(client, incident):
    response = client.get(f"/admin/incidents/incident/{incident.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_incident_page_shows_its_alert_events(monitored):
    integration, event, client = monitored
    page = _page(client, event.incident)
    assert "Alert events" in page
    assert f"/admin/alerts/alertevent/{event.pk}/change/" in page
    assert integration.name in page


def test_the_alert_events_cost_the_same_queries_however_many(monitored):
    integration, event, client = monitored
    made = iter(range(1000))

    def more_events(count):
        now = timezone.now()
        for _ in range(count):
            AlertEvent.objects.create(
                integration=integration,
                grouping_key=f"extra-{next(made)}",
                current=False,
                incident=event.incident,
                title="Disk almost full",
                first_seen=now,
                last_seen=now,
            )

    assert_constant_queries(
        more_events, lambda: _page(client, event.incident), large=EVENTS_SHOWN + 5
    )
    page = _page(client, event.incident)
    assert len(re.findall(r"/admin/alerts/alertevent/\d+/change/", page)) == EVENTS_SHOWN
    assert f"?q={event.incident.number}" in page  # the link to all of them


def test_an_incident_without_alerts_shows_none(people, monitored):
    from incidents.tests.factories import make_incident

    _integration, _event, client = monitored
    incident = make_incident(reporter=people["emma"])
    assert not re.search(r"/admin/alerts/alertevent/\d+/change/", _page(client, incident))
