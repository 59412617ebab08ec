"""A record page reads its incident with few joins; the often-empty relations are fetched
by primary key, in one query each when set and none when empty.

Every join made PostgreSQL plan the single-row read longer than it ran (17 joins: 15 ms
of planning for 1 ms of execution at a million incidents).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Incident
from incidents.tests.factories import make_incident
from incidents.tests.helpers_api import API

pytestmark = pytest.mark.django_db

# The record's own row with reporter, affected user, group, assignee, category,
# subcategory, service, item, SLA policy and calendar; one more inside the scope filter.
MAX_JOINS = 11


def _record_reads(call) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.content[:300]
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "incidents_incident"."id", "incidents_incident"."number"')
    ]


def _joins(sql: str) -> int:
    return sql.count(" JOIN ")


@pytest.fixture
def linked(emma, sam, ravi, dana):
    """An incident with every often-empty relation set."""
    incident = make_incident(reporter=emma)
    parent, duplicate = make_incident(reporter=emma), make_incident(reporter=emma)
    Incident.objects.filter(pk=incident.pk).update(
        parent=parent,
        duplicate_of=duplicate,
        commander=sam,
        communications_lead=ravi,
        resolved_by=dana,
        closed_by=sam,
    )
    return incident, parent, duplicate


def test_api_detail_joins_few_tables_and_shows_every_relation(api_as, sam, ravi, dana, linked):
    incident, parent, duplicate = linked
    client = api_as(sam)

    reads = _record_reads(lambda: client.get(f"{API}{incident.pk}/"))

    assert reads and max(map(_joins, reads)) <= MAX_JOINS, reads
    body = client.get(f"{API}{incident.pk}/").json()
    assert body["parent"]["number"] == parent.number
    assert body["duplicate_of"]["number"] == duplicate.number
    assert body["commander"]["username"] == sam.username
    assert body["communications_lead"]["username"] == ravi.username
    assert body["resolved_by"]["username"] == dana.username
    assert body["closed_by"]["username"] == sam.username


def test_empty_relations_cost_no_query(api_as, sam, emma, linked):
    incident, _parent, _duplicate = linked
    plain = make_incident(reporter=emma)
    client = api_as(sam)
    client.get(f"{API}{plain.pk}/")  # caches warm

    with CaptureQueriesContext(connection) as with_links:
        client.get(f"{API}{incident.pk}/")
    with CaptureQueriesContext(connection) as without:
        client.get(f"{API}{plain.pk}/")

    # Six set relations, read by primary key: parent and duplicate one query each, and
    # each of the four people one query each.
    assert len(with_links) - len(without) == 6


def test_admin_change_page_joins_few_tables(staff, sam, linked):
    incident, _parent, _duplicate = linked
    client = staff(sam)

    reads = _record_reads(lambda: client.get(f"/admin/incidents/incident/{incident.pk}/change/"))

    assert reads and max(map(_joins, reads)) <= MAX_JOINS, reads
