"""The collision check at ``BENCH_CHANGES`` changes (default 100,000), PostgreSQL only.

One change is raised through the service; the rest are copies of it written by one
INSERT ... SELECT over ``generate_series`` (seconds for 100,000, no history rows: bench
data, not records anyone reads), each with its own number, implementer (one of the demo
staff), status and a window of one to four hours somewhere in the 700 days before and 30
days after now (closed or cancelled before now, awaiting authorisation or scheduled
after), and three of 500 configuration items in chains of five depends-on links. Then
the check a scheduling runs (``changes.schedule.collisions_for``) is timed for a change
on four items with an implementer, in a busy week ahead.

``make bench`` runs it after the incident figures; ``python -m bench.changes`` alone.
"""

import os
import statistics
import time
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import setup_test_environment
from django.utils import timezone

from bench.__main__ import DATABASE, Bench, measure

CHANGES = int(os.environ.get("BENCH_CHANGES", 100_000))
CHECKS = int(os.environ.get("BENCH_COLLISION_REPEAT", 21))
ITEMS, CHAIN, PER_CHANGE = 500, 5, 3
PREFIX = "CHGB"


def fill() -> dict:
    """Create the missing bench changes; return the names and ids the check needs."""
    from changes import services
    from changes.models import Change
    from changes.policies import ensure_approval_setup
    from itsm.demo.people import load_people
    from itsm.models import ConfigurationItem

    people = load_people()
    ensure_approval_setup(people)
    implementers = [people[name].pk for name in ("sam", "ravi", "chris", "alex", "avery")]
    items = _items(ConfigurationItem)
    done = Change.objects.filter(number__startswith=PREFIX).count()
    if done < CHANGES:
        started = time.perf_counter()
        now = timezone.now()
        model = services.change_create(
            actor=people["chris"],
            title="Patch a node",
            implementation_plan="Drain, patch, return.",
            backout_plan="Restore the snapshot.",
            planned_start=now,
            planned_end=now + timedelta(hours=1),
        )
        _copy(Change, model.pk, first=done + 1, last=CHANGES, implementers=implementers)
        _link(Change, items)
        model.configuration_items.clear()
        Change.objects.filter(pk=model.pk).delete()  # the model row, not a bench change
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Change._meta.db_table}")
            cursor.execute(f"ANALYZE {Change.configuration_items.through._meta.db_table}")
        print(f"wrote {CHANGES - done} changes in {time.perf_counter() - started:.0f} s")
    return {"items": items, "implementers": implementers}


def _items(ConfigurationItem) -> list[int]:
    existing = dict(
        ConfigurationItem.objects.filter(name__startswith="bench-ci-").values_list("name", "pk")
    )
    ids = []
    for n in range(ITEMS):
        name = f"bench-ci-{n:03d}"
        if name not in existing:
            item = ConfigurationItem.objects.create(name=name)
            if n % CHAIN:
                item.depends_on.add(ids[-1])
            existing[name] = item.pk
        ids.append(existing[name])
    return ids


def _copy(Change, model_id: int, *, first: int, last: int, implementers: list[int]) -> None:
    """Copies ``first`` to ``last`` of the model row, spread as the module says."""
    # SQL over ``k`` (the copy's ordinal) and ``g.s`` (its start); % doubled for psycopg.
    overrides = {
        "number": f"'{PREFIX}' || k",
        "title": "'Patch node ' || k",
        "planned_start": "g.s",
        "planned_end": "g.s + (1 + k %% 4) * interval '1 hour'",
        "implementer": "(%s::bigint[])[1 + (k * 31) %% %s]",
        "status": (
            "CASE WHEN g.s < now() THEN CASE WHEN k %% 20 = 0 THEN 'cancelled' ELSE 'closed' END"
            " WHEN k %% 3 = 0 THEN 'authorisation' ELSE 'scheduled' END"
        ),
        "created_at": "g.s - interval '14 days'",
        "updated_at": "g.s",
    }
    columns, values = [], []
    for field in Change._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        values.append(overrides.get(field.name, f"t.{connection.ops.quote_name(field.column)}"))
    # Start slots of 15 minutes over 730 days, visited in a scattered order (a prime step).
    slots = 730 * 96
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Change._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(values)} FROM {Change._meta.db_table} t, "
            f"(SELECT k, date_trunc('hour', now()) - interval '700 days' "
            f"+ ((k * 104729) %% {slots}) * interval '15 minutes' AS s "
            f"FROM generate_series(%s::bigint, %s::bigint) AS k) g WHERE t.id = %s",
            [implementers, len(implementers), first, last, model_id],
        )


def _link(Change, items: list[int]) -> None:
    """Three items for each bench change without any."""
    links = Change.configuration_items.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {links} (change_id, configurationitem_id) "  # noqa: S608
            f"SELECT c.id, (%s::bigint[])[1 + (c.id * j * 7919) %% %s] "
            f"FROM {Change._meta.db_table} c, generate_series(1, %s) AS j "
            f"WHERE c.number LIKE %s AND NOT EXISTS "
            f"(SELECT 1 FROM {links} l WHERE l.change_id = c.id) ON CONFLICT DO NOTHING",
            [items, len(items), PER_CHANGE, f"{PREFIX}%"],
        )


def collision_check(bench: Bench) -> None:
    """Median time of the collision check over ``CHECKS`` runs, at ``CHANGES`` changes."""
    if connection.vendor != "postgresql":
        print("collision check: PostgreSQL only (range types), skipped")
        return
    from changes.models import Change
    from changes.schedule import collisions_for

    given = fill()
    start = (timezone.now() + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    check = {
        "start": start,
        "end": start + timedelta(hours=3),
        "ci_ids": given["items"][:4],
        "implementer_id": given["implementers"][1],
    }
    found = collisions_for(**check)
    runs = [measure(lambda: collisions_for(**check)) for _ in range(CHECKS)]
    wall = statistics.median(run[0] for run in runs)
    db = statistics.median(run[1] for run in runs)
    label = f"collision check, {Change.objects.count()} changes"
    bench.results[label] = {
        "wall_ms": round(wall, 2),
        "db_ms": round(db, 2),
        "queries": runs[-1][2],
        "collisions": len(found),
    }
    print(
        f"{label:<52} {wall:9.1f} {db:9.1f} {runs[-1][2]:8d}   "
        f"(median of {CHECKS}; 4 items, an implementer; {len(found)} collisions found)",
        flush=True,
    )


def main():
    setup_test_environment()
    if DATABASE:
        settings.DATABASES["default"]["NAME"] = DATABASE
        connection.settings_dict["NAME"] = DATABASE
        call_command("migrate", verbosity=0)
        collision_check(Bench())
        return
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        collision_check(Bench())
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
