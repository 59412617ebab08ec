"""Time the hot paths on a throw-away database and print the figures.

Runs on SQLite by default, or on PostgreSQL when DATABASE_URL is set. Uses a fresh
test database, so it never touches real data.
"""

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", 1000))


def timed(label, func, *, repeat=5):
    runs = []
    for _ in range(repeat):
        connection.queries_log.clear()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            func()
        runs.append(time.perf_counter() - start)
    median = statistics.median(runs) * 1000
    print(f"{label:<48} {median:9.1f} ms   {len(queries):3d} queries")


def main():
    setup_test_environment()
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


def run():
    from incidents import services, sla
    from incidents.models import Incident
    from incidents.tests.factories import make_incident
    from itsm.demo.people import load_people

    people = load_people()
    emma, sam, ravi = people["emma"], people["sam"], people["ravi"]
    print(f"database: {connection.vendor}, rows: {ROWS}")

    start = time.perf_counter()
    for n in range(ROWS):
        connection.queries_log.clear()
        make_incident(reporter=emma if n % 2 else sam, urgency=["high", "medium", "low"][n % 3])
    elapsed = time.perf_counter() - start
    print(
        f"{'incident_create (number, priority, SLA, history)':<48} "
        f"{elapsed / ROWS * 1000:9.2f} ms each ({ROWS / elapsed:.0f}/s)"
    )

    incident = Incident.objects.order_by("pk").last()
    timed(
        "assign + start + resolve (3 transitions)",
        lambda: _work(services, incident, ravi, sam),
        repeat=1,
    )
    sample = Incident.objects.select_related("sla_policy__calendar").order_by("pk").first()
    timed("sla.clocks() for one incident", lambda: sla.clocks(sample))

    staff, employee = Client(), Client()
    staff.force_login(sam)
    employee.force_login(emma)
    timed("API list, 100 rows, staff", lambda: staff.get("/api/v1/incidents/?page_size=100"))
    timed("API list, 100 rows, employee", lambda: employee.get("/api/v1/incidents/?page_size=100"))
    timed(
        "API list filtered (status=new, priority=3)",
        lambda: staff.get("/api/v1/incidents/?status=new&priority=3"),
    )
    timed("portal list, staff", lambda: staff.get("/portal/incidents/"))
    timed("admin changelist (100 per page)", lambda: staff.get("/admin/incidents/incident/"))
    timed("SLA job with nothing due", _sla_job)
    sla_job_with_due_records(people, int(os.environ.get("BENCH_SLA_DUE", 500)))


def _work(services, incident, agent, desk):
    from incidents.tests.factories import network_team

    services.incident_transition(
        incident_id=incident.pk, name="assign", actor=desk, group=network_team(), assignee=agent
    )
    services.incident_transition(incident_id=incident.pk, name="start", actor=agent)
    services.incident_transition(
        incident_id=incident.pk,
        name="resolve",
        actor=agent,
        resolution_code="workaround",
        resolution_notes="Restarted.",
    )


def _sla_job():
    from incidents.tasks import incident_sla_check

    incident_sla_check()


def sla_job_with_due_records(people, count: int) -> None:
    """Two SLA job runs over ``count`` due incidents (P3, reported on a past Monday 09:00).

    The first run is the everyday case (each has just passed its response warning); the
    second is a backlog, as after an outage (each has passed its three other thresholds).
    Messages are only enqueued, as with a broker: sending them is the notify task's cost.
    """
    from datetime import UTC, datetime, timedelta
    from unittest import mock

    from django.utils import timezone

    from incidents import services
    from incidents.tests.factories import make_incident
    from itsm.tasks import notify

    today = timezone.now().astimezone(UTC).date()
    monday = today - timedelta(days=today.weekday() + 28)
    reported = datetime(monday.year, monday.month, monday.day, 9, tzinfo=UTC)
    for _ in range(count):
        connection.queries_log.clear()
        make_incident(
            reporter=people["sam"],
            affected_user=people["emma"],
            impact="low",
            urgency="high",
            reported_at=reported,
        )
    runs = [
        ("one threshold each", reported + timedelta(hours=1, minutes=31)),
        ("three thresholds each", reported + timedelta(days=14)),
    ]
    for what, now in runs:
        with mock.patch.object(notify, "delay") as enqueue:
            connection.queries_log.clear()
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                run = services.incident_sla_check_due(now=now)
            elapsed = (time.perf_counter() - start) * 1000
        label = f"SLA job, {run.handled} due, {what}"
        print(
            f"{label:<48} {elapsed:9.1f} ms   {len(queries):3d} queries"
            f"   ({len(run.events)} events, {enqueue.call_count} messages enqueued)"
        )


if __name__ == "__main__":
    main()
