"""Staff interfaces: the incident console's public-update button, the staff page in the
portal, the component and maintenance admin pages; all write through the services."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.tests.factories import make_incident
from itsm.testing.queries import assert_constant_queries
from statuspage.models import Component, Maintenance, StatusIncident, StatusInterval
from statuspage.tests.factories import major_incident, make_component

pytestmark = pytest.mark.django_db

INTERNAL_BUDGET = 12


def _operation_url(incident):
    return reverse("admin:incidents_incident_transition", args=[incident.pk, "post_status_update"])


def test_staff_post_from_the_incident_console(client, sam, emma):
    component = make_component(actor=sam, name="VPN")
    incident = major_incident(reporter=emma, agent=sam, service=component.service)
    client.force_login(sam)
    url = _operation_url(incident)

    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "VPN unavailable",
            "impact": "major_outage",
            "state": "investigating",
            "body": "Remote access is down.",
        },
    )
    assert response.status_code == 302
    status_incident = StatusIncident.objects.get(incident=incident)
    assert list(status_incident.components.all()) == [component]
    update = status_incident.updates.get()
    assert update.history.get().history_user == sam  # audited

    response = client.post(url, {"impact": "partial_outage", "state": "monitoring", "body": "Up."})
    assert response.status_code == 302
    assert status_incident.updates.count() == 2
    assert Component.objects.get(pk=component.pk).status == "partial_outage"


def test_the_button_is_only_on_major_incidents(client, sam, emma):
    make_component(actor=sam)
    client.force_login(sam)
    minor = make_incident(reporter=emma)
    page = client.get(reverse("admin:incidents_incident_change", args=[minor.pk]))

    assert "post_status_update" not in page.content.decode()


def test_staff_post_from_the_portal(client, sam, emma):
    component = make_component(actor=sam)
    incident = major_incident(reporter=emma, agent=sam, service=component.service)
    url = reverse("statuspage:post_update", args=[incident.pk])

    client.force_login(emma)
    assert client.get(url).status_code == 404
    client.force_login(sam)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Slow service",
            "impact": "degraded_performance",
            "components": [component.pk],
            "state": "identified",
            "body": "We know why.",
        },
    )
    assert response.status_code == 302
    assert StatusIncident.objects.get().title == "Slow service"
    bad = client.post(url, {"state": "nonsense", "body": ""})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_components_are_added_and_set_by_hand_through_the_services(client, admin_user):
    from itsm.models import Service

    service = Service.objects.create(name="Intranet")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:statuspage_component_add"),
        {"service": service.pk, "display_name": "Intranet", "group": "", "order": 0},
    )
    assert response.status_code == 302, response.content
    component = Component.objects.get()
    assert StatusInterval.objects.filter(component=component, ended_at__isnull=True).count() == 1

    url = reverse("admin:statuspage_component_set_status", args=[component.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"status": "major_outage", "reason": ""}).status_code == 200
    response = client.post(url, {"status": "major_outage", "reason": "Provider outage"})
    assert response.status_code == 302
    assert Component.objects.get().status == "major_outage"


def test_maintenance_is_entered_in_the_admin(client, admin_user, sam):
    component = make_component(actor=sam)
    client.force_login(admin_user)
    starts = timezone.now() + timedelta(days=1)
    response = client.post(
        reverse("admin:statuspage_maintenance_add"),
        {
            "title": "Storage firmware",
            "description": "Short interruptions.",
            "components": [component.pk],
            "starts_at_0": starts.strftime("%Y-%m-%d"),
            "starts_at_1": "20:00:00",
            "ends_at_0": starts.strftime("%Y-%m-%d"),
            "ends_at_1": "22:00:00",
        },
    )
    assert response.status_code == 302, response.content
    maintenance = Maintenance.objects.get()
    assert list(maintenance.components.all()) == [component]
    assert {row.history_user for row in maintenance.history.all()} == {admin_user}


def test_internal_page_query_count_is_constant(client, sam):
    client.force_login(sam)

    def make_rows(count):
        for index in range(count):
            make_component(actor=sam, public=bool(index % 2))

    def request():
        assert client.get(reverse("statuspage:internal")).status_code == 200

    count = assert_constant_queries(make_rows, request, small=2, large=8)
    print(f"\ninternal status page: {count} queries")
    assert count <= INTERNAL_BUDGET
