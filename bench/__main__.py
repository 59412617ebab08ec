"""Time the pages and writes that matter at scale, and print the figures.

``make bench`` fills a throw-away database with ``BENCH_ROWS`` generated incidents
(default 1,000; ``manage.py bench_data`` writes them as the services would) and times
every list (admin changelist and queues, API staff and employee lists, first and deep
pages, portal lists), the detail pages, a create and a transition. Each figure is the
median of ``BENCH_REPEAT`` runs (default 5): wall time of the request, database time
(the sum of its queries' times) and the number of queries.

Runs on SQLite by default, on PostgreSQL when ``DATABASE_URL`` is set. For 100,000 or a
million rows generate once into a database of your own and reuse it:
``BENCH_DATABASE=itsm_bench_1m BENCH_ROWS=1000000 make bench`` creates the database's
missing incidents on the first run and never drops it. ``BENCH_PLANS=1`` also prints
EXPLAIN ANALYZE of each list's slowest query; ``BENCH_JSON=file`` saves the figures;
``BENCH_EMPLOYEES=name,name`` also times the employee lists of those people (say one with
thousands of incidents and one with fifty).
On PostgreSQL it also times the change collision check at ``BENCH_CHANGES`` changes
(default 100,000; see ``bench/changes.py``).
"""

import contextlib
import json
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", 1000))
REPEAT = int(os.environ.get("BENCH_REPEAT", 5))
DATABASE = os.environ.get("BENCH_DATABASE", "")
PAGE = 25


class Recorder:
    """Each query's duration, measured around the database call itself."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, time.perf_counter() - start))


def measure(func) -> tuple[float, float, int, list]:
    """(wall ms, database ms, queries, the recorded queries) of one call."""
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        start = time.perf_counter()
        func()
        wall = time.perf_counter() - start
    db = sum(duration for _sql, _params, duration in recorder.queries)
    return wall * 1000, db * 1000, len(recorder.queries), recorder.queries


class Bench:
    def __init__(self):
        self.results = {}

    def time(self, label, func, *, repeat=REPEAT):
        func()  # warm caches, sessions and connections
        runs = [measure(func) for _ in range(repeat)]
        wall = statistics.median(run[0] for run in runs)
        db = statistics.median(run[1] for run in runs)
        queries = runs[-1][2]
        self.results[label] = {"wall_ms": round(wall, 2), "db_ms": round(db, 2), "queries": queries}
        print(f"{label:<52} {wall:9.1f} {db:9.1f} {queries:8d}", flush=True)
        return runs[-1][3]


def main(body=None):
    """Run ``body`` (every figure by default) on a throw-away or the named database."""
    body = body or run
    setup_test_environment()
    if DATABASE:
        settings.DATABASES["default"]["NAME"] = DATABASE
        connection.settings_dict["NAME"] = DATABASE
        call_command("migrate", verbosity=0)
        body()
        return
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        body()
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


def fill():
    from incidents.bulkgen import generate
    from incidents.models import Incident

    missing = ROWS - Incident.objects.count()
    if missing > 0:

        def progress(done, rows, seconds):
            print(f"  {done} incidents, {rows} rows, {seconds:.0f} s", flush=True)

        done = generate(incidents=missing, batch=10000, progress=progress)
        print(f"generated {done.incidents} incidents ({done.rows} rows) in {done.seconds:.0f} s")


def run():
    from django.contrib.auth import get_user_model

    from incidents.models import Incident
    from incidents.selectors import incident_list_visible_to
    from incidents.tests.helpers_lists import list_pages
    from itsm.models import Team

    fill()
    users = get_user_model().objects
    desk, resolver = users.get(username="desk01"), users.get(username="resno01")
    sample = list(users.filter(username__startswith="employee").order_by("pk")[:60])
    visible = {person.pk: incident_list_visible_to(user=person).count() for person in sample}
    employee = sorted(sample, key=lambda person: visible[person.pk])[len(sample) // 2]
    if not visible[employee.pk]:  # a small run: most people have reported nothing yet
        employee = max(sample, key=lambda person: visible[person.pk])
    rows = Incident.objects.count()
    # The desk does not see restricted records outside its groups: page within its list.
    deep = max(min(999 * PAGE, incident_list_visible_to(user=desk).count() - PAGE), 0)
    employee_deep = max(min(999 * PAGE, visible[employee.pk] - PAGE), 0)
    print(
        f"database: {connection.vendor}, incidents: {rows}; staff deep page starts at row "
        f"{deep}; employee {employee.username} sees {visible[employee.pk]}, deep page at "
        f"row {employee_deep}"
    )
    print(f"{'':<52} {'wall ms':>9} {'db ms':>9} {'queries':>8}")
    bench = Bench()
    group = Team.objects.get(name="Network Operations")
    pages = list_pages(
        desk=desk,
        resolver=resolver,
        employee=employee,
        group=group,
        deep=deep,
        employee_deep=employee_deep,
    )
    plans = {}
    for name, (user, url) in pages.items():
        client = Client()
        client.force_login(user)
        plans[name] = bench.time(name, lambda c=client, u=url: _ok(c.get(u)))
    for username in filter(None, os.environ.get("BENCH_EMPLOYEES", "").split(",")):
        _employee_lists(bench, pages_of=users.get(username=username), desk=desk, group=group)
    _records(bench, desk, resolver, employee)
    _status_page(bench, desk)
    from bench.changes import collision_check

    collision_check(bench)
    from itsm.demo.people import load_people

    sla_job_with_due_records(load_people(), int(os.environ.get("BENCH_SLA_DUE", 500)), bench)
    from bench import alerts

    alerts.run(bench)
    if os.environ.get("BENCH_JSON"):
        with open(os.environ["BENCH_JSON"], "w") as out:
            json.dump({"rows": rows, "vendor": connection.vendor, **bench.results}, out, indent=1)
    if os.environ.get("BENCH_PLANS") and connection.vendor == "postgresql":
        _print_plans(plans)


def _employee_lists(bench, *, pages_of, desk, group):
    """The API and portal lists of one employee, labelled with how many incidents they see."""
    from incidents.selectors import incident_list_visible_to
    from incidents.tests.helpers_lists import list_pages

    person = pages_of
    seen = incident_list_visible_to(user=person).count()
    pages = list_pages(
        desk=desk,
        resolver=desk,
        employee=person,
        group=group,
        deep=0,
        employee_deep=max(min(999 * PAGE, seen - PAGE), 0),
    )
    client = Client()
    client.force_login(person)
    for name, (user, url) in pages.items():
        if user == person:
            label = f"{name} ({seen} own)"
            bench.time(label, lambda u=url: _ok(client.get(u)))


def _status_page(bench, desk):
    """The public status page and its JSON summary, from the cache and rebuilt, beside the
    health probe (the cheapest request the project answers: the ceiling)."""
    from django.core.cache import cache

    from itsm.models import Service
    from statuspage import services
    from statuspage.models import Component

    for service in Service.objects.filter(status_component__isnull=True)[:6]:
        services.component_create(
            actor=desk, service=service, display_name=service.name, is_public=True
        )
    public = Client()
    bench.time("ceiling: health probe", lambda: _ok(public.get("/health/")))
    for name, url in [
        ("status page", "/status/"),
        ("status summary JSON", "/status/api/summary.json"),
    ]:
        bench.time(f"{name}, cached", lambda u=url: _ok(public.get(u)))
        bench.time(f"{name}, rebuilt", lambda u=url: (cache.clear(), _ok(public.get(u))))
    print(f"(status page: {Component.objects.count()} components)")
    ceiling = _per_second(bench, "ceiling: health probe")
    for label in ("status page, cached", "status page, rebuilt", "status summary JSON, cached"):
        rate = _per_second(bench, label)
        print(f"{label}: {rate:.0f} requests/s, {100 * rate / ceiling:.0f} % of the ceiling")
    print(f"ceiling (health probe): {ceiling:.0f} requests/s, one worker")


def _per_second(bench, label) -> float:
    """Requests per second one worker answers, from the median wall time."""
    return 1000 / max(bench.results[label]["wall_ms"], 0.001)


def _ok(response):
    assert response.status_code in (200, 201), (response.status_code, response.content[:300])
    return response


def _records(bench, desk, resolver, employee):
    """Detail pages, creates and a transition."""
    from incidents.models import Incident
    from incidents.tests.helpers_api import API

    incident = Incident.objects.filter(affected_user=employee).order_by("-pk").first()
    staff, mine = Client(), Client()
    staff.force_login(desk)
    mine.force_login(employee)
    bench.time("API detail, staff", lambda: _ok(staff.get(f"{API}{incident.pk}/")))
    bench.time("portal detail, employee", lambda: _ok(mine.get(incident.get_absolute_url())))
    change = f"/admin/incidents/incident/{incident.pk}/change/"
    bench.time("admin change page", lambda: _ok(staff.get(change)))
    body = {"title": "Printer jams", "description": "On every page.", "urgency": "medium"}
    as_json = json.dumps(body)
    with tasks_queued():
        _writes(bench, staff, mine, employee, as_json, body)
    bench.time("SLA job (one run over what is due)", _sla_job, repeat=1)


@contextlib.contextmanager
def tasks_queued():
    """Celery tasks are only queued, as with a broker, not run inside the request (the
    test settings run them eagerly): a write is timed as the request a user waits for."""
    from unittest import mock

    from celery.app.task import Task

    with mock.patch.object(Task, "apply_async") as queue:
        yield
    print(f"({queue.call_count} tasks queued by the writes above, not run)")


def _writes(bench, staff, mine, employee, as_json, body):
    from incidents.models import Incident
    from incidents.tests.factories import network_team
    from incidents.tests.helpers_api import API

    bench.time(
        "create through the API, employee",
        lambda: _ok(mine.post(API, as_json, content_type="application/json")),
    )
    bench.time(
        "create through the portal form",
        lambda: _ok_redirect(mine.post("/portal/incidents/new/", body)),
    )
    created = list(Incident.objects.filter(reporter=employee).order_by("-pk")[: REPEAT + 1])
    team = network_team()
    agent = team.members.order_by("pk").first()
    assign = json.dumps({"group": team.pk, "assignee": agent.pk})
    pending = iter(created)
    bench.time(
        "transition through the API (assign)",
        lambda: _ok(
            staff.post(f"{API}{next(pending).pk}/assign/", assign, content_type="application/json")
        ),
    )


def _ok_redirect(response):
    assert response.status_code == 302, (response.status_code, response.content[:300])


def _sla_job():
    from incidents.tasks import incident_sla_check

    incident_sla_check()


def sla_job_with_due_records(people, count: int, bench: Bench) -> None:
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
            start, cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                run = services.incident_sla_check_due(now=now)
            elapsed = (time.perf_counter() - start) * 1000
            cpu = (time.process_time() - cpu) * 1000
        label = f"SLA job, {run.handled} due, {what}"
        bench.results[label] = {"wall_ms": round(elapsed, 2), "queries": len(queries)}
        # The CPU time of this process alone tells a busy machine from a slow job.
        print(
            f"{label:<48} {elapsed:9.1f} ms   {len(queries):3d} queries"
            f"   ({cpu:.0f} ms CPU here; {len(run.events)} events, {enqueue.call_count} queued)"
        )


def _print_plans(captured):
    from itsm.testing.plans import explain_text

    for name, queries in captured.items():
        # Not the admin's own row estimate (an EXPLAIN already).
        on_incidents = [
            q for q in queries if '"incidents_incident"' in q[0] and q[0].startswith("SELECT")
        ]
        if not on_incidents:
            continue
        sql, params, _duration = max(on_incidents, key=lambda q: q[2])
        with connection.cursor() as cursor:
            bound = cursor.mogrify(sql, params) if params else sql
        print(f"\n--- {name}: its slowest query ---\n{bound}\n{explain_text(bound)}")


if __name__ == "__main__":
    main()
