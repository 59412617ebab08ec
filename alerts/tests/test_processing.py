"""What deliveries do to alert events and incidents (processing runs eagerly after commit)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts import services
from alerts.choices import EventStatus, InboxState, Kind
from alerts.models import AlertEvent, AlertInbox, MaintenanceWindow
from alerts.tests import payloads as p
from alerts.tests.helpers import make_integration, post
from incidents.choices import Status
from incidents.models import Incident
from itsm.models import ConfigurationItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(people, django_capture_on_commit_callbacks):
    def send(integration, payload, **kwargs):
        response = post(integration, payload, capture=django_capture_on_commit_callbacks, **kwargs)
        assert response.status_code == 202, response.content
        return response

    return send


def event_of(fingerprint="c7f2a1b4e5d6a7b8", **filters):
    return AlertEvent.objects.get(grouping_key=fingerprint, current=True, **filters)


def test_a_firing_alert_opens_one_routed_incident_as_the_system(send):
    integration = make_integration(urgency_map={"severity=critical": "high"}, impact="high")
    send(integration, p.alertmanager())

    event = event_of()
    incident = event.incident
    assert (event.status, event.count) == (EventStatus.FIRING, 1)
    assert incident.title == "High error rate on web-1"
    assert incident.channel == "monitoring"
    assert incident.reporter.username == "system"
    assert (incident.impact, incident.urgency) == ("high", "high")
    assert incident.assignment_group == integration.assignment_group
    assert incident.status == Status.ASSIGNED
    assert AlertInbox.objects.get().state == InboxState.DONE


def test_repeats_are_collected_on_one_event_and_one_incident(send):
    integration = make_integration()
    for _ in range(3):
        send(integration, p.alertmanager())

    event = event_of()
    assert event.count == 3
    assert event.last_seen >= event.first_seen
    assert Incident.objects.count() == 1


def test_each_alert_of_a_group_is_handled_and_its_own_status_wins(send):
    integration = make_integration(kind=Kind.GRAFANA)
    send(integration, p.grafana(p.am_alert("a"), p.am_alert("b")))
    # A "firing" group that carries a resolved alert: only that one resolves.
    send(integration, p.grafana(p.am_alert("a", status="resolved"), p.am_alert("b")))

    a, b = event_of("a"), event_of("b")
    assert a.status == EventStatus.CLEARED
    assert a.incident.status == Status.RESOLVED
    assert b.status == EventStatus.FIRING
    assert b.incident.status == Status.ASSIGNED


def test_zero_ends_at_means_not_ended_even_without_a_status(send):
    integration = make_integration()
    alert = p.am_alert("z")
    del alert["status"]
    send(integration, p.alertmanager(alert, status="firing"))
    ended = p.am_alert("z")
    del ended["status"]
    ended["endsAt"] = "2026-12-01T10:20:00Z"
    assert event_of("z").status == EventStatus.FIRING

    send(integration, p.alertmanager(ended, status="firing"))
    assert event_of("z").status == EventStatus.CLEARED


def test_alerts_dropped_by_truncation_are_not_resolved(send):
    integration = make_integration()
    send(integration, p.alertmanager(p.am_alert("a"), p.am_alert("b")))
    send(integration, p.alertmanager(p.am_alert("a"), status="resolved", truncated=1))

    assert event_of("b").status == EventStatus.FIRING
    assert event_of("b").incident.status != Status.RESOLVED


def test_unknown_fields_and_compact_escaped_json_are_accepted(send):
    integration = make_integration()
    payload = p.alertmanager(p.am_alert("esc"))
    payload["newTopLevelField"] = {"nested": [1, 2]}
    payload["alerts"][0]["annotations"]["summary"] = 'Disk "/" at 99% \u00e9\t\\ ok \u0000'
    payload["alerts"][0]["someFutureField"] = True
    import json

    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode()
    send(integration, None, raw=raw)

    event = event_of("esc")
    assert event.incident.title == 'Disk "/" at 99% \u00e9 \\ ok'


def test_a_resolved_alert_resolves_the_incident_once_however_often_replayed(send, people):
    integration = make_integration()
    send(integration, p.alertmanager())
    send(integration, p.alertmanager(p.am_alert(status="resolved"), status="resolved"))
    send(integration, p.alertmanager(p.am_alert(status="resolved"), status="resolved"))
    for row in AlertInbox.objects.all():
        services.inbox_replay(inbox_id=row.pk, actor=people["sam"])

    incident = event_of().incident
    assert incident.status == Status.RESOLVED
    assert incident.history.filter(history_transition="resolve").count() == 1
    assert event_of().count == 3


def test_resolve_is_off_by_the_integrations_setting(send):
    integration = make_integration(resolve_incident=False)
    send(integration, p.alertmanager())
    send(integration, p.alertmanager(p.am_alert(status="resolved")))

    assert event_of().status == EventStatus.CLEARED
    assert event_of().incident.status == Status.ASSIGNED


def test_firing_again_within_the_confirmation_window_reopens(send):
    integration = make_integration()
    send(integration, p.alertmanager())
    send(integration, p.alertmanager(p.am_alert(status="resolved")))
    send(integration, p.alertmanager())

    incident = event_of().incident
    assert incident.status == Status.IN_PROGRESS
    assert incident.reopen_count == 1
    assert Incident.objects.count() == 1


def test_firing_after_the_window_opens_a_new_incident_linked_to_the_previous(send, settings):
    integration = make_integration()
    send(integration, p.alertmanager())
    send(integration, p.alertmanager(p.am_alert(status="resolved")))
    first = event_of()
    Incident.objects.filter(pk=first.incident_id).update(
        resolved_at=timezone.now() - settings.INCIDENT_CONFIRMATION_WINDOW - timedelta(hours=1)
    )
    send(integration, p.alertmanager())

    second = event_of()
    assert second.pk != first.pk
    assert second.previous_id == first.pk
    assert second.incident_id != first.incident_id
    assert first.incident.number in second.incident.description
    assert AlertEvent.objects.filter(current=False).get().pk == first.pk


def test_flapping_is_recorded_and_holds_back_the_incident_until_it_settles(send, settings):
    settings.ALERTS_FLAP_CHANGES = 3
    integration = make_integration()
    send(integration, p.alertmanager())  # change 1
    send(integration, p.alertmanager(p.am_alert(status="resolved")))  # 2: resolves
    send(integration, p.alertmanager())  # 3: flapping, reopen held back
    event = event_of()
    assert event.flapping and event.held
    assert event.flapping_since is not None
    assert event.incident.status == Status.RESOLVED
    assert event.incident.reopen_count == 0

    settings.ALERTS_FLAP_MINUTES = 0  # the changes age out: it settles
    send(integration, p.alertmanager())
    event = event_of()
    assert not event.flapping and not event.held
    assert event.incident.status == Status.IN_PROGRESS


def test_alerts_in_a_maintenance_window_open_no_incident(send):
    ci = ConfigurationItem.objects.create(name="web-1")
    integration = make_integration(configuration_item=ci)
    MaintenanceWindow.objects.create(
        configuration_item=ci,
        start=timezone.now() - timedelta(hours=1),
        end=timezone.now() + timedelta(hours=1),
        reason="Kernel upgrade",
    )
    send(integration, p.alertmanager())

    event = event_of()
    assert event.suppressed and event.incident is None
    assert Incident.objects.count() == 0


def test_alerts_in_the_window_of_an_implementing_change_open_no_incident(send, people):
    from changes import services as change_services
    from changes.tests.factories import make_standard_change

    chris = people["chris"]
    now = timezone.now()
    change = make_standard_change(
        requested_by=chris,
        planned_start=now - timedelta(minutes=30),
        planned_end=now + timedelta(hours=1),
    )
    for name in ("schedule_standard", "start"):
        change_services.change_transition(change_id=change.pk, name=name, actor=chris)
    ci = change.configuration_items.get()
    integration = make_integration(configuration_item=ci)
    send(integration, p.alertmanager())

    assert event_of().suppressed
    assert Incident.objects.count() == 0


def test_sentry_metric_alerts_open_and_resolve(send):
    integration = make_integration(kind=Kind.SENTRY)
    send(integration, p.sentry("critical"))
    send(integration, p.sentry("warning"))
    event = event_of("42")
    assert event.count == 2
    assert event.incident.title == "Critical: Too many errors"

    send(integration, p.sentry("resolved"))
    assert event_of("42").incident.status == Status.RESOLVED


def test_generic_json_follows_its_field_mapping(send):
    mapping = {
        "alerts": "events",
        "key": "check.id",
        "status": "state",
        "title": "check.name",
        "resolved_values": ["ok"],
    }
    integration = make_integration(kind=Kind.GENERIC, field_mapping=mapping)
    body = {"events": [{"check": {"id": "c1", "name": "Ping router"}, "state": "down"}]}
    send(integration, body)
    assert event_of("c1").incident.title == "Ping router"

    body["events"][0]["state"] = "ok"
    send(integration, body)
    assert event_of("c1").status == EventStatus.CLEARED


def test_a_grouping_template_groups_over_labels(send):
    integration = make_integration(grouping_template="{alertname}/{job}")
    send(integration, p.alertmanager(p.am_alert("x", instance="a"), p.am_alert("y", instance="b")))

    event = AlertEvent.objects.get()
    assert event.grouping_key == "HighErrorRate/web"
    assert event.count == 2


def test_a_failure_is_kept_with_its_error_and_can_be_replayed(send, people, monkeypatch):
    integration = make_integration(urgency_map={"severity=critical": "not-a-level"})
    send(integration, p.alertmanager())

    row = AlertInbox.objects.get()
    assert row.state == InboxState.FAILED
    assert row.attempts == 5
    assert "urgency" in row.error
    assert Incident.objects.count() == 0

    integration.urgency_map = {}
    integration.save()
    replayed = services.inbox_replay(inbox_id=row.pk, actor=people["sam"])
    assert replayed.state == InboxState.DONE
    assert event_of().incident is not None


def test_the_sweep_processes_rows_whose_task_was_lost(people):
    integration = make_integration()
    from django.db import transaction

    with transaction.atomic():
        row = services.inbox_receive(
            integration=integration,
            body=b'{"version":"4","status":"firing","alerts":[]}',
            headers={},
        )
    AlertInbox.objects.filter(pk=row.pk).update(received_at=timezone.now() - timedelta(hours=1))
    from alerts.tasks import process_pending_alerts

    assert process_pending_alerts() == 1
    row.refresh_from_db()
    assert row.state == InboxState.DONE
