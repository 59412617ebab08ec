"""SECURITY.md T04: an employee walking every route never sees another employee's data.

Eli's incident, comment, work note and attachment carry a canary word. Emma requests
every GET route of the project (paths filled in with the ids of Eli's records, and list
routes searched and filtered for the canary); the canary must appear in no response.
Routes come from the URL resolver, so a route added later is swept automatically.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import converters

from incidents import services
from incidents.tests.factories import make_incident
from itsm.testing.routes import walk

pytestmark = pytest.mark.django_db

CANARY = "canary7f3"
# Searches use a prefix, so a page that echoes the query back cannot show the whole word.
PREFIX = CANARY[:7]
QUERIES = ["", f"?search={PREFIX}", f"?q={PREFIX}", "?page_size=1000", "?ordering=-created_at"]


@pytest.fixture
def elis_records(eli, sam):
    incident = make_incident(
        reporter=eli, title=f"Salary question {CANARY}", description=f"Details {CANARY}"
    )
    services.incident_comment_add(incident_id=incident.pk, actor=eli, body=f"Public {CANARY}")
    services.incident_comment_add(
        incident_id=incident.pk, actor=sam, body=f"Note {CANARY}", visibility="internal"
    )
    upload = SimpleUploadedFile(f"{CANARY}.txt", CANARY.encode(), content_type="text/plain")
    attachment = services.incident_attachment_add(incident_id=incident.pk, actor=eli, upload=upload)
    return incident, attachment


def test_no_route_shows_an_employee_another_employees_data(emma, elis_records):
    incident, attachment = elis_records
    samples = {
        converters.IntConverter: str(incident.pk),
        converters.UUIDConverter: str(attachment.pk),
        converters.SlugConverter: "x",
        converters.StringConverter: "x",
        converters.PathConverter: str(incident.pk),
    }
    client = Client()
    client.force_login(emma)
    leaks, swept = [], 0
    for route in walk(samples=samples):
        if route.path is None or route.name in {"logout"}:
            continue
        for query in QUERIES:
            response = client.get(route.path + query, follow=True)
            assert response.status_code < 500, f"{route.path}{query}"
            body = b"".join(response) if response.streaming else response.content
            swept += 1
            if CANARY.encode() in body:
                leaks.append(f"{route.path}{query}")
    assert swept > 100
    assert leaks == []


def test_the_sweep_sees_the_canary_where_it_belongs(eli, elis_records):
    incident, _ = elis_records
    client = Client()
    client.force_login(eli)
    assert CANARY.encode() in client.get(f"/portal/incidents/{incident.pk}/").content
    assert CANARY.encode() in client.get(f"/api/v1/incidents/?search={PREFIX}").content
