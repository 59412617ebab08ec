"""The postmortem lists read an index, never the whole table (PostgreSQL plans).

Postmortems are opened through the service on major incidents; the incidents are then
copied (as routine ones) and every copy gets a copy of a postmortem, ten thousand rows,
analysed;
every query each list runs on the postmortem table is EXPLAINed (``itsm.testing.plans``).
"""

import json

import pytest
from django.db import connection

from incidents.models import Incident
from itsm.testing.plans import list_plan_failures, multiply
from postmortems import services
from postmortems.models import Postmortem
from postmortems.tests.factories import make_postmortem

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

RAISED, COPIES = 10, 999
TABLE = Postmortem._meta.db_table


def _one_postmortem_per_incident() -> None:
    """Every incident without a postmortem gets a copy of one, created at its own time."""
    columns = [
        connection.ops.quote_name(field.column)
        for field in Postmortem._meta.concrete_fields
        if not field.primary_key and field.name not in ("incident", "created_at")
    ]
    copied = ", ".join(f"p.{column}" for column in columns)
    incident = Incident._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} ({', '.join(columns)}, incident_id, created_at) "  # noqa: S608
            f"SELECT {copied}, i.id, i.reported_at FROM {incident} i "
            f"CROSS JOIN (SELECT * FROM {TABLE} ORDER BY id LIMIT 1) p "
            f"WHERE NOT EXISTS (SELECT 1 FROM {TABLE} q WHERE q.incident_id = i.id)"
        )
        cursor.execute(f"ANALYZE {TABLE}")


def _most_incidents_are_not_major() -> None:
    """As in life: the copies are routine incidents, so the "postmortem due" list (major
    P1 incidents without one) reads few incidents, each checked by the index."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Incident._meta.db_table} SET is_major = false WHERE number LIKE %s",  # noqa: S608
            ["%-%"],
        )
        cursor.execute(f"ANALYZE {Incident._meta.db_table}")


@pytest.fixture
def people_with_postmortems(people):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's planner")
    for _ in range(RAISED):
        postmortem = make_postmortem(people)
        services.action_item_add(postmortem_id=postmortem.pk, actor=people["ravi"], title="Fix")
    multiply(Incident, COPIES, shifted=("reported_at", "created_at", "updated_at"))
    _one_postmortem_per_incident()
    _most_incidents_are_not_major()
    return people


def test_postmortem_lists_read_indexes_not_the_table(people_with_postmortems):
    people = people_with_postmortems
    rows = Postmortem.objects.count()
    assert rows == RAISED * (COPIES + 1)
    sam = people["sam"]
    pages = {
        "API list": (sam, "/api/v1/postmortems/"),
        "API list, in review": (sam, "/api/v1/postmortems/?status=in_review"),
        "API list, one owner": (sam, f"/api/v1/postmortems/?owner={people['ravi'].pk}"),
        "portal list": (sam, "/portal/postmortems/"),
        "admin changelist": (sam, "/admin/postmortems/postmortem/"),
        "admin changelist, drafts": (sam, "/admin/postmortems/postmortem/?status__exact=draft"),
    }

    failures = list_plan_failures(pages, table=TABLE, rows=rows)

    assert not failures, json.dumps(failures, indent=1)
