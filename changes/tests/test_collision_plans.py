"""The collision check reads the window index, never the whole table (PostgreSQL plans).

Booked changes are raised through the services, then copied (each copy a month further
back) to ten thousand rows, every copy linked to configuration items, and analysed.
Every query the check runs on the change table and on its item links is EXPLAINed (see
``itsm.testing.plans``): a sequential scan, or an index read of a quarter of the table,
fails, and so does an overlap query not read from the window index. The last test drops
the index and sees every check fail.
"""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from changes.models import Change
from changes.schedule import WINDOW_INDEX, collisions_for
from changes.tests.factories import make_booked_change, make_item, setup, window
from itsm.testing.plans import explain, full_table_work, multiply, queries_on

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

RAISED, COPIES = 12, 799
TABLE = Change._meta.db_table
LINKS = Change.configuration_items.through._meta.db_table


@pytest.fixture
def booked():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's planner")
    users = setup()
    items = [make_item(f"plan-ci-{n}") for n in range(6)]
    items[0].depends_on.add(items[1])
    raised = []
    for n in range(RAISED):
        start, end = window(days=1 + n, hours=3)
        raised.append(
            make_booked_change(
                requested_by=users["chris"],
                configuration_items=items[n % 3 : n % 3 + 3],
                start=start,
                end=end,
                implementer=users["ravi"],
            )
        )
    multiply(Change, COPIES, shifted=("created_at", "updated_at", "planned_start", "planned_end"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {LINKS} (change_id, configurationitem_id) "  # noqa: S608 - our tables
            f"SELECT c.id, ci.id FROM {TABLE} c, itsm_configurationitem ci "
            f"WHERE ci.name LIKE %s AND c.id %% 6 <= ci.id %% 6 "
            f"AND NOT EXISTS (SELECT 1 FROM {LINKS} l WHERE l.change_id = c.id)",
            ["plan-ci-%"],
        )
        cursor.execute(f"ANALYZE {LINKS}")
    return users, items, raised


def index_names(node: dict) -> set[str]:
    names = {node["Index Name"]} if "Index Name" in node else set()
    for child in node.get("Plans", []):
        names |= index_names(child)
    return names


def plan_failures(check, tables: dict) -> dict:
    """What the queries ``check()`` runs on ``tables`` ({table: rows}) did wrong: full-table
    work on any, and an overlap query on the change table not read from ``WINDOW_INDEX``
    (an index read that filters inside a btree does not show in the row counts)."""
    with CaptureQueriesContext(connection) as captured:
        check()
    failures = {}
    for table, rows in tables.items():
        queries = queries_on(table, captured.captured_queries)
        overlaps = [sql for sql in queries if "&&" in sql]
        if not queries or (table == TABLE and not overlaps):
            failures[table] = ["no overlap query" if queries else "no query"]
        for sql in queries:
            plan = explain(sql)["Plan"]
            found = full_table_work(plan, table=table, rows=rows)
            if sql in overlaps and WINDOW_INDEX not in index_names(plan):
                found.append(f"{WINDOW_INDEX} not used: {sorted(index_names(plan))}")
            if found:
                failures.setdefault(table, []).append([found, sql[:300]])
    return failures


def sizes() -> dict:
    tables = {TABLE: Change.objects.count(), LINKS: Change.configuration_items.through.objects}
    tables[LINKS] = tables[LINKS].count()
    assert tables[TABLE] == RAISED * (COPIES + 1)
    assert tables[LINKS] > tables[TABLE]
    return tables


def checks(users, items, raised) -> dict:
    """Three collision checks: the API's conflicts endpoint, several items with an
    implementer, the implementer alone."""
    client = Client()
    client.force_login(users["sam"])
    start, end = raised[5].planned_start, raised[5].planned_end
    return {
        "conflicts endpoint": lambda: client.get(f"/api/v1/changes/{raised[3].pk}/conflicts/"),
        "items and implementer": lambda: collisions_for(
            start=start - timedelta(hours=1),
            end=end,
            ci_ids=[item.pk for item in items[:4]],
            implementer_id=users["ravi"].pk,
        ),
        "implementer alone": lambda: collisions_for(
            start=start, end=end, ci_ids=[], implementer_id=users["ravi"].pk
        ),
    }


def test_collision_checks_read_the_window_index(booked):
    users, items, raised = booked
    tables = sizes()
    start, end = raised[5].planned_start, raised[5].planned_end

    failures = {
        name: plan_failures(check, tables) for name, check in checks(users, items, raised).items()
    }

    assert not any(failures.values()), json.dumps(failures, indent=1)
    found = collisions_for(start=start - timedelta(hours=1), end=end, ci_ids=[items[3].pk])
    assert [c["change"] for c in found] == [raised[5].number]


def test_without_the_window_index_the_check_fails(booked):
    users, items, raised = booked
    tables = sizes()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {WINDOW_INDEX}")  # rolled back with the test

    failures = {
        name: plan_failures(check, tables) for name, check in checks(users, items, raised).items()
    }

    assert all(failures.values()), json.dumps(failures, indent=1)
