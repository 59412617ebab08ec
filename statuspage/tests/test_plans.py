"""The status incident lists and the uptime query read an index, never the whole table
(PostgreSQL plans).

Status incidents and status intervals are made through the services, then copied back
in time to thousands of rows and analysed; the lists' queries on the status incident
table and the uptime query on the interval table are EXPLAINed (``itsm.testing.plans``).
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itsm.testing.plans import explain, full_table_work, list_plan_failures, multiply
from statuspage import services, uptime
from statuspage.models import StatusIncident, StatusInterval
from statuspage.tests.factories import major_incident, make_component

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

RAISED, COPIES = 10, 499


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's planner")


def _publish(sam, emma, component, *, resolve: bool) -> None:
    incident = major_incident(reporter=emma, agent=sam, service=component.service)
    opened = services.status_incident_open(
        incident_id=incident.pk, actor=sam, title="Down", body="Looking."
    )
    if resolve:
        services.status_update_post(
            status_incident_id=opened.pk, actor=sam, state="resolved", body="Fixed."
        )


def test_status_incident_lists_read_indexes_not_the_table(postgres, sam, emma):
    components = [make_component(actor=sam) for _ in range(3)]
    for number in range(RAISED):
        _publish(sam, emma, components[number % 3], resolve=number > 0)
    multiply(
        StatusIncident,
        COPIES,
        unique=(),
        shifted=("started_at", "resolved_at", "created_at", "updated_at"),
    )
    table = StatusIncident._meta.db_table
    rows = StatusIncident.objects.count()
    assert rows == RAISED * (COPIES + 1)
    pages = {
        "API list": (sam, "/api/v1/status/incidents/"),
        "API list, active": (sam, "/api/v1/status/incidents/?active=true"),
        "public page": (emma, "/status/"),
        "public history": (emma, "/status/history/"),
        "internal page": (sam, "/status/internal/"),
    }

    failures = list_plan_failures(pages, table=table, rows=rows)

    assert not failures, json.dumps(failures, indent=1)


def _copy_closed_intervals_back(copies: int) -> None:
    """Years of history: every closed interval again every 30 days back, ``copies`` times."""
    table = StatusInterval._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (component_id, status, started_at, ended_at) "  # noqa: S608
            f"SELECT component_id, status, started_at - k * interval '30 days', "
            f"ended_at - k * interval '30 days' FROM {table}, generate_series(1, %s) AS k "
            f"WHERE ended_at IS NOT NULL",
            [copies],
        )
        cursor.execute(f"ANALYZE {table}")


def test_the_uptime_query_reads_only_the_window(postgres, sam):
    components = [make_component(actor=sam) for _ in range(5)]
    for component in components:
        for status in ["partial_outage", "", "major_outage", ""] * 3:
            services.component_set_status(
                component_id=component.pk, actor=sam, status=status, reason="Test"
            )
    _copy_closed_intervals_back(COPIES)
    rows = StatusInterval.objects.count()
    assert rows > 10_000

    with CaptureQueriesContext(connection) as captured:
        bars = uptime.uptime_rows([c.pk for c in components])
    assert set(bars) == {c.pk for c in components}
    sql = captured.captured_queries[-1]["sql"]
    found = full_table_work(explain(sql)["Plan"], table=StatusInterval._meta.db_table, rows=rows)

    assert not found, json.dumps([found, sql[-400:]], indent=1)
