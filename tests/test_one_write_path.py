"""DESIGN.md rule 1: every interface changes status through the same service.

The same resolution, made through the service, the admin button, the admin bulk action,
the API and the portal, leaves identical history rows: same status, user, reason,
resolution fields and version.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from incidents import services
from incidents.choices import Status
from incidents.tests.factories import incident_in

pytestmark = pytest.mark.django_db

NOTES = {"resolution_code": "workaround", "resolution_notes": "Replaced the patch cable."}
COMPARED = [
    "status",
    "history_type",
    "history_user_id",
    "history_change_reason",
    "resolution_code",
    "resolution_notes",
    "resolved_by_id",
    "version",
]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def through_service(incident, agent):
    services.incident_transition(incident_id=incident.pk, name="resolve", actor=agent, **NOTES)


def through_admin_button(incident, agent):
    url = f"/admin/incidents/incident/{incident.pk}/transition/resolve/"
    assert _client(agent).post(url, NOTES).status_code == 302


def through_admin_bulk_action(incident, agent):
    form = {
        "action": "resolve_selected",
        "apply": "yes",
        "select_across": "0",
        "_selected_action": [incident.pk],
        **NOTES,
    }
    assert _client(agent).post("/admin/incidents/incident/", form).status_code == 302


def through_api(incident, agent):
    client = APIClient()
    client.force_authenticate(agent)
    url = f"/api/v1/incidents/{incident.pk}/resolve/"
    assert client.post(url, NOTES, format="json").status_code == 200


def through_portal(incident, agent):
    url = f"/portal/incidents/{incident.pk}/transition/resolve/"
    assert _client(agent).post(url, {"version": incident.version, **NOTES}).status_code == 302


INTERFACES = [through_admin_button, through_admin_bulk_action, through_api, through_portal]


@pytest.mark.parametrize("interface", INTERFACES, ids=lambda f: f.__name__)
def test_every_interface_writes_what_the_service_writes(interface, emma, ravi, sam):
    reference = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    rows = incident.history.count()

    through_service(reference, ravi)
    interface(incident, ravi)

    assert incident.history.count() == rows + 1
    expected = reference.history.values(*COMPARED).first()
    assert incident.history.values(*COMPARED).first() == expected
    assert expected["status"] == Status.RESOLVED
