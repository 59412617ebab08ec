"""The main incident lists read an index, never the whole table (PostgreSQL plans).

Incidents are generated (the generator writes what the services write), copied back in
time to twelve thousand rows so that PostgreSQL's planner weighs a table of real size,
and analysed. Each list page is then requested as a browser or client does, and every
query it ran on the incident table is EXPLAINed: a plan fails when it scans the table
sequentially, sorts a quarter of it or more, or reads half of it with no LIMIT to stop.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from incidents.bulkgen import generate
from incidents.bulkgen.cast import load_cast
from incidents.models import Incident
from incidents.selectors import incident_list_visible_to
from incidents.tests.helpers_lists import list_pages
from itsm.testing.plans import explain, full_table_work, queries_on

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
]

GENERATED = 1000
COPIES = 11
TABLE = Incident._meta.db_table
SHIFTED = {"reported_at", "created_at", "updated_at"}


def copy_back_in_time(copies: int) -> None:
    """Each incident ``copies`` more times, each copy a generation span further back."""
    columns, values = [], []
    for field in Incident._meta.concrete_fields:
        if field.primary_key:
            continue
        column = connection.ops.quote_name(field.column)
        columns.append(column)
        if field.name == "number":
            values.append(f"{column} || '-' || k")
        elif field.name in SHIFTED:
            values.append(f"{column} - k * interval '30 days'")
        else:
            values.append(column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} ({', '.join(columns)}) "  # noqa: S608 - our own column names
            f"SELECT {', '.join(values)} FROM {TABLE}, generate_series(1, %s) AS k",
            [copies],
        )
        cursor.execute(f"ANALYZE {TABLE}")


@pytest.fixture
def world(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's planner")
    cast = load_cast(people=200)
    generate(incidents=GENERATED, people=200, batch=GENERATED)
    copy_back_in_time(COPIES)
    return cast


def pages(cast) -> dict:
    group = cast.teams[-1]
    resolver = next(m for m in cast.members[group.pk] if m.teams.count() == 1)
    employees = sorted(cast.employees, key=lambda p: incident_list_visible_to(user=p).count())
    employee = employees[len(employees) // 2]  # a typical employee
    rows = Incident.objects.count()
    return list_pages(
        desk=cast.desk[0],
        resolver=resolver,
        employee=employee,
        group=group,
        deep=rows * 8 // 10,
        employee_deep=incident_list_visible_to(user=employee).count() // 2,
    )


def test_list_queries_read_indexes_not_the_table(world):
    rows = Incident.objects.count()
    assert rows == GENERATED * (COPIES + 1)
    # The check itself sees a sort and a scan of the whole table when there is one.
    by_title = Incident.objects.order_by("title", "-id")[:25].query.sql_with_params()
    by_text = Incident.objects.filter(description__contains="x").only("id").query.sql_with_params()
    sort = full_table_work(explain(*by_title)["Plan"], table=TABLE, rows=rows)
    assert any(found.startswith("sort of") for found in sort), sort
    scan = full_table_work(explain(*by_text)["Plan"], table=TABLE, rows=rows)
    assert [found.split(" (")[0] for found in scan] == [f"sequential scan of {TABLE}"]

    failures = {}
    for name, (user, url) in pages(world).items():
        client = APIClient()
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        queries = queries_on(TABLE, captured.captured_queries)
        assert queries, f"{name}: no query on the incident table"
        for sql in queries:
            found = full_table_work(explain(sql)["Plan"], table=TABLE, rows=rows)
            if found:
                failures.setdefault(name, []).append([found, sql[:200]])
    assert not failures, json.dumps(failures, indent=1)
