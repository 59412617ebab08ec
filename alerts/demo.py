"""Demo integrations (an Alertmanager one and a Grafana one) and a few alert events: one
open incident from monitoring with repeats, one alert that fired and cleared.

Deliveries go through the inbox and its processing like real ones. Loading twice creates
nothing new (the integrations are found by slug; deliveries are sent only once).
"""

import json
import secrets

from django.db import transaction

from alerts import services
from alerts.choices import Kind
from alerts.models import AlertEvent, Integration
from itsm.models import ConfigurationItem, Service, Team

NETWORK_OPS = "Network Operations"


def _alert(name, instance, status, summary, severity="critical"):
    return {
        "status": status,
        "labels": {"alertname": name, "instance": instance, "severity": severity},
        "annotations": {"summary": summary},
        "startsAt": "2026-03-02T08:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z" if status == "firing" else "2026-03-02T08:20:00Z",
        "fingerprint": f"demo-{name}-{instance}",
    }


def _group(version, *alerts):
    return {"version": version, "status": alerts[0]["status"], "receiver": "itsm", "alerts": alerts}


def _deliver(integration, payload) -> None:
    with transaction.atomic():
        row = services.inbox_receive(
            integration=integration, body=json.dumps(payload).encode(), headers={}
        )
    services.inbox_process(inbox_id=row.pk)


def load(users) -> None:
    group = Team.objects.filter(name=NETWORK_OPS).first()
    vpn = Service.objects.filter(name="VPN").first()
    gateway = ConfigurationItem.objects.filter(name="vpn-gw-01").first()
    common = {"assignment_group": group, "service": vpn, "configuration_item": gateway}
    prometheus, _ = Integration.objects.get_or_create(
        slug="prometheus",
        defaults={
            "name": "Prometheus Alertmanager",
            "kind": Kind.ALERTMANAGER,
            "secret": secrets.token_urlsafe(24),
            "urgency_map": {"severity=critical": "high", "severity=warning": "medium"},
            **common,
        },
    )
    grafana, _ = Integration.objects.get_or_create(
        slug="grafana",
        defaults={
            "name": "Grafana alerting",
            "kind": Kind.GRAFANA,
            "secret": secrets.token_urlsafe(24),
            **common,
        },
    )
    if AlertEvent.objects.filter(integration__in=[prometheus, grafana]).exists():
        return
    tunnel = _alert("VpnTunnelDown", "vpn-gw-01", "firing", "VPN tunnel to branch 3 is down")
    for _ in range(3):  # the sender repeats the open alert
        _deliver(prometheus, _group("4", tunnel))
    sessions = _alert(
        "VpnSessionsHigh", "vpn-gw-01", "firing", "VPN sessions near licence", "warning"
    )
    _deliver(grafana, _group("1", sessions))
    _deliver(grafana, _group("1", {**sessions, "status": "resolved"}))
