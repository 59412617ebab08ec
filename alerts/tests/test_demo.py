"""The alerts demo loads through the loader the app registers, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from alerts.models import AlertEvent, Integration
from incidents.choices import Status

pytestmark = pytest.mark.django_db


def test_demo_data_loads_two_integrations_and_their_events_once(people):
    call_command("demo_data", stdout=StringIO())
    events = AlertEvent.objects.count()
    call_command("demo_data", stdout=StringIO())

    assert Integration.objects.filter(slug__in=["prometheus", "grafana"]).count() == 2
    assert AlertEvent.objects.count() == events == 2
    tunnel = AlertEvent.objects.get(grouping_key="demo-VpnTunnelDown-vpn-gw-01")
    assert tunnel.count == 3
    assert tunnel.incident.status in (Status.NEW, Status.ASSIGNED)
    assert AlertEvent.objects.get(status="cleared").incident.status == Status.RESOLVED
