"""Query budgets of the alerts lists, who may read them, and the admin actions."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from alerts import services
from alerts.choices import InboxState, Kind
from alerts.models import AlertEvent, AlertInbox, Integration
from alerts.tests import payloads as p
from alerts.tests.helpers import make_integration
from itsm.testing.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

BUDGETS = {"integration-list": 5, "alertevent-list": 5}


def logged_in(user, api=True):
    client = APIClient() if api else Client()
    client.force_login(user)
    return client


def _get(client, path, **query):
    response = client.get(path, query)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def _integrations(count):
    for _ in range(count):
        make_integration(Kind.GRAFANA, slug=f"g{Integration.objects.count()}")


def _events(count):
    integration = Integration.objects.first() or make_integration()
    for n in range(count):
        row = AlertInbox.objects.create(integration=integration, body="{}")
        alert = services.senders.parse(
            Kind.ALERTMANAGER, p.alertmanager(p.am_alert(f"f{AlertEvent.objects.count()}-{n}"))
        )[0]
        services.alert_apply(integration=integration, alert=alert, inbox=row)


def test_api_integration_list(people):
    client = logged_in(people["sam"])
    count = assert_constant_queries(
        _integrations, lambda: _get(client, "/api/v1/integrations/", page_size=100)
    )
    assert count <= BUDGETS["integration-list"]
    listed = _get(client, "/api/v1/integrations/", kind="grafana")["results"][0]
    assert "secret" not in listed
    assert listed["endpoint"].startswith("/api/v1/integrations/")


def test_api_alert_event_list(people):
    client = logged_in(people["sam"])
    count = assert_constant_queries(
        _events, lambda: _get(client, "/api/v1/alert-events/", page_size=100)
    )
    assert count <= BUDGETS["alertevent-list"]
    rows = _get(client, "/api/v1/alert-events/", status="firing")["results"]
    assert rows and rows[0]["incident_number"].startswith("INC")


def test_employees_see_no_integrations_or_events(people):
    make_integration()
    _events(1)
    client = logged_in(people["emma"])
    assert _get(client, "/api/v1/integrations/")["count"] == 0
    assert _get(client, "/api/v1/alert-events/")["results"] == []


def test_the_admin_sends_a_test_alert_and_replays_failures(
    people, admin_user, django_capture_on_commit_callbacks
):
    integration = make_integration(Kind.SENTRY)
    client = logged_in(admin_user, api=False)
    changelist = reverse("admin:alerts_integration_changelist")
    page = client.get(changelist)
    assert integration.endpoint_path() in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "send_test_alert", "_selected_action": [integration.pk]})
    assert AlertEvent.objects.get().incident is not None

    row = AlertInbox.objects.create(
        integration=integration, body="{}", state=InboxState.FAILED, error="boom"
    )
    inbox_list = reverse("admin:alerts_alertinbox_changelist")
    assert "boom" in client.get(inbox_list + "?state=failed").content.decode()
    client.post(inbox_list, {"action": "replay", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.state == InboxState.FAILED  # {} is no metric_alert: still failing, visibly
    assert row.attempts == 1
    detail = client.get(reverse("admin:alerts_alertinbox_change", args=[row.pk]))
    assert detail.status_code == 200


def test_the_event_admin_links_the_incident(people, admin_user):
    _events(1)
    client = logged_in(admin_user, api=False)
    page = client.get(reverse("admin:alerts_alertevent_changelist")).content.decode()
    assert AlertEvent.objects.get().incident.number in page


def test_the_urgency_map_is_checked_when_an_integration_is_saved(people):
    from django.core.exceptions import ValidationError

    integration = make_integration(urgency_map={"severity=critical": "urgent"})
    with pytest.raises(ValidationError):
        integration.full_clean()
    integration.urgency_map = {"severity=critical": "high"}
    integration.full_clean()
