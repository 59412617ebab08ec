"""The status page demo loads once: components, 90 days of history with two outages, a
published status incident with its updates, a maintenance window ahead, a few confirmed
subscribers."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from statuspage import uptime
from statuspage.models import Component, Maintenance, StatusIncident, StatusInterval, Subscriber

pytestmark = pytest.mark.django_db


def test_demo_data_loads_the_status_page_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_data", stdout=StringIO())
    models = (Component, StatusInterval, StatusIncident, Maintenance, Subscriber)
    counts = [m.objects.count() for m in models]

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_data", stdout=StringIO())

    assert [m.objects.count() for m in models] == counts
    subscribers = Subscriber.objects.all()
    assert len({s.email for s in subscribers}) == 3
    assert all(s.is_active and s.component.is_public for s in subscribers)
    assert Component.objects.filter(is_public=False).exists()
    vpn = Component.objects.get(service__name="VPN")
    row = uptime.uptime_rows([vpn.pk])[vpn.pk]
    assert sum(1 for _start, _seen, down, _worst in row["days"] if down) == 2
    assert StatusIncident.objects.get().updates.count() == 4
    assert Maintenance.objects.get().state == "upcoming"
    html = Client().get(reverse("statuspage:page")).content.decode()
    assert "VPN gateway upgrade" in html
    history = Client().get(reverse("statuspage:history")).content.decode()
    assert "Network outage at the head office" in history
