"""SECURITY.md T04: an employee walking every route never sees another employee's data,
and (T02, issue 7 §5) an agent outside a restricted incident's escalation chain never sees
that incident.

Eli's incident, comment, work note and attachment carry a canary word. Emma (or the
network agent Ravi, for an HR incident) requests every GET route of the project (paths
filled in with the ids of those records, and list routes searched and filtered for the
canary); the canary must appear in no response. Routes come from the URL resolver, so a
route added later is swept automatically.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import converters

from incidents import services
from incidents.tests.factories import make_incident
from itsm.models import Category, Team
from itsm.testing.routes import walk

pytestmark = pytest.mark.django_db

CANARY = "canary7f3"
# Searches use a prefix, so a page that echoes the query back cannot show the whole word.
PREFIX = CANARY[:7]
QUERIES = ["", f"?search={PREFIX}", f"?q={PREFIX}", "?page_size=1000", "?ordering=-created_at"]
# A route on one object (an id in its path) is asked plainly and for its longest page; the
# searches and orderings are for the lists.
OBJECT_QUERIES = ["", "?page_size=1000"]


def _records(reporter, worker, **fields):
    incident = make_incident(
        reporter=reporter,
        title=f"Salary question {CANARY}",
        description=f"Details {CANARY}",
        **fields,
    )
    services.incident_comment_add(incident_id=incident.pk, actor=reporter, body=f"Public {CANARY}")
    note = services.incident_comment_add(
        incident_id=incident.pk, actor=worker, body=f"Note {CANARY}", visibility="internal"
    )
    upload = SimpleUploadedFile(f"{CANARY}.txt", CANARY.encode(), content_type="text/plain")
    attachment = services.incident_attachment_add(
        incident_id=incident.pk, actor=reporter, upload=upload
    )
    return incident, note, attachment


@pytest.fixture
def elis_records(eli, sam):
    incident, _note, attachment = _records(eli, sam)
    return incident, attachment


@pytest.fixture
def restricted_records(eli, hana):
    """Eli's incident in the restricted HR category, worked by HR Systems (Hana)."""
    hr = Category.objects.create(
        kind="incident",
        name="HR",
        restricted=True,
        default_group=Team.objects.get(name="HR Systems"),
    )
    return _records(eli, hana, category=hr)


def _sweep(user, *ids) -> list[str]:
    """Every GET route as ``user`` with each id in turn in the path; the leaking paths."""
    client = Client()
    client.force_login(user)
    leaks, swept = [], set()
    for pk, uuid in ids:
        samples = {
            converters.IntConverter: str(pk),
            converters.UUIDConverter: str(uuid),
            converters.SlugConverter: "x",
            converters.StringConverter: "x",
            converters.PathConverter: str(pk),
        }
        for route in walk(samples=samples):
            if route.path is None or route.name in {"logout"}:
                continue
            for query in OBJECT_QUERIES if "<" in route.pattern else QUERIES:
                url = route.path + query
                if url in swept:  # a route without an id, asked already for the first id
                    continue
                swept.add(url)
                response = client.get(url, follow=True)
                assert response.status_code < 500, url
                body = b"".join(response) if response.streaming else response.content
                if CANARY.encode() in body:
                    leaks.append(url)
    assert len(swept) > 100
    return leaks


def test_no_route_shows_an_employee_another_employees_data(emma, elis_records):
    incident, attachment = elis_records

    assert _sweep(emma, (incident.pk, attachment.pk)) == []


def test_no_route_shows_an_agent_a_restricted_incident_of_another_group(ravi, restricted_records):
    incident, note, attachment = restricted_records

    # The incident's id, then the work note's (the comment admin's pages).
    assert _sweep(ravi, (incident.pk, attachment.pk), (note.pk, attachment.pk)) == []


def test_the_sweep_sees_the_canary_where_it_belongs(eli, elis_records):
    incident, _ = elis_records
    client = Client()
    client.force_login(eli)
    assert CANARY.encode() in client.get(f"/portal/incidents/{incident.pk}/").content
    assert CANARY.encode() in client.get(f"/api/v1/incidents/?search={PREFIX}").content


def test_the_sweep_sees_the_restricted_canary_where_it_belongs(hana, restricted_records):
    incident, note, _ = restricted_records
    client = Client()
    client.force_login(hana)
    assert CANARY.encode() in client.get(f"/portal/incidents/{incident.pk}/").content
    assert CANARY.encode() in client.get(f"/admin/incidents/incident/?q={PREFIX}").content
    assert (
        CANARY.encode() in client.get(f"/admin/incidents/incidentcomment/{note.pk}/change/").content
    )
