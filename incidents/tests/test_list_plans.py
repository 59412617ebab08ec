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

from incidents.bulkgen import generate
from incidents.bulkgen.cast import load_cast
from incidents.models import Incident
from incidents.selectors import incident_list_visible_to
from incidents.tests.helpers_lists import list_pages
from itsm.testing.plans import explain, full_table_work, list_plan_failures, multiply

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
]

GENERATED = 1000
COPIES = 11
TABLE = Incident._meta.db_table
SHIFTED = {"reported_at", "created_at", "updated_at"}


@pytest.fixture
def world(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's planner")
    cast = load_cast(people=200)
    generate(incidents=GENERATED, people=200, batch=GENERATED)
    multiply(Incident, COPIES, shifted=SHIFTED)
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

    failures = list_plan_failures(pages(world), table=TABLE, rows=rows)
    assert not failures, json.dumps(failures, indent=1)
