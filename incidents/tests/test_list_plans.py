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
from itsm.testing.plans import explain, full_table_work, list_plan_failures, multiply, work_over

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
]

GENERATED = 1000
COPIES = 11
PAGE = 25
COUNT_CAP = 1000
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


def involve(employee, *, affected_every: int, reported_every: int, watched_every: int) -> int:
    """Make ``employee`` the affected user of every ``affected_every``-th incident, the
    reporter of every ``reported_every``-th and a watcher of every ``watched_every``-th,
    then ANALYZE; returns how many incidents they see. (Raw SQL: plan-test data.)"""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET affected_user_id = %s WHERE id %% %s = 0",  # noqa: S608
            [employee.pk, affected_every],
        )
        cursor.execute(
            f"UPDATE {TABLE} SET reporter_id = %s WHERE id %% %s = 1",  # noqa: S608
            [employee.pk, reported_every],
        )
        watchers = Incident.watchers.through._meta.db_table
        cursor.execute(
            f"INSERT INTO {watchers} (incident_id, user_id) "  # noqa: S608
            f"SELECT id, %s FROM {TABLE} WHERE id %% %s = 2 "
            f"ON CONFLICT DO NOTHING",
            [employee.pk, watched_every],
        )
        cursor.execute(f"ANALYZE {TABLE}")
        cursor.execute(f"ANALYZE {watchers}")
    return incident_list_visible_to(user=employee).count()


def employee_pages(cast, employee) -> dict:
    """The employee's lists: the API's first and deep pages and count, and the portal's."""
    every = list_pages(
        desk=cast.desk[0],
        resolver=cast.desk[0],
        employee=employee,
        group=cast.teams[-1],
        deep=PAGE,
        employee_deep=incident_list_visible_to(user=employee).count() // 2,
    )
    return {name: page for name, page in every.items() if page[0] == employee}


def test_an_employees_page_reads_a_page_of_each_branch_not_all_their_rows(world):
    """An employee on two thirds of the table (8,000 rows, as reporter, affected user and
    watcher): every query of their lists stops after a page per branch (the count after
    its cap per branch), where one UNION of the three would read and sort all of them."""
    employee = world.employees[-1]
    seen = involve(employee, affected_every=2, reported_every=3, watched_every=300)
    assert seen > 6 * COUNT_CAP
    mine = employee_pages(world, employee)
    assert len(mine) == 4, [*mine]  # the API's first and deep page and count, the portal
    # The old scope read every row of the employee and sorted them.
    union = Incident.objects.filter(
        pk__in=Incident.objects.filter(reporter=employee)
        .values("pk")
        .union(Incident.objects.filter(affected_user=employee).values("pk"))
    ).order_by(*Incident._meta.ordering)[: PAGE + 1]
    assert work_over(explain(*union.query.sql_with_params())["Plan"], most=seen // 2)

    rows = Incident.objects.count()
    paged = {name: page for name, page in mine.items() if "count" not in name}
    failures = list_plan_failures(paged, table=TABLE, rows=rows, most=3 * (PAGE + 1) + 40)
    assert not failures, json.dumps(failures, indent=1)
    counted = {name: page for name, page in mine.items() if "count" in name}
    failures = list_plan_failures(counted, table=TABLE, rows=rows, most=3 * (COUNT_CAP + 1))
    assert not failures, json.dumps(failures, indent=1)


def test_a_queue_reads_the_index_of_its_filter(world):
    """The group, assignee and status queues stop after the count's cap: no step handles
    more than a capped count's rows.

    With the planner's default random_page_cost (4, for spinning disks) the group queue
    read the recent index and filtered most of it away. The status queue reads the open
    incidents' index, which the planner prefers; without the status in that index every
    open row of another status was fetched from the table and thrown away."""
    every = pages(world)
    names = (
        "admin queue: assignment group",
        "API staff, assignee",
        "admin queue: status",
        "API staff, status",
    )
    failures = list_plan_failures(
        {name: every[name] for name in names},
        table=TABLE,
        rows=Incident.objects.count(),
        most=COUNT_CAP + 1 + PAGE,
    )
    assert not failures, json.dumps(failures, indent=1)
