"""Uptime per component and day, computed by the database from the stored intervals.

One query joins the components' intervals that reach into the window (only those, which
an index finds however long the history) with the window's days (a ``VALUES`` list of
day bounds) and, per component and day, sums the seconds each
interval overlaps the day (``least(end, day end) - greatest(start, day start)``): over
any status (how much of the day the component existed) and over partial or major outage
(down), and takes the worst status of the day. No interval row leaves the database; the
answer is at most components x days rows. Degraded performance and maintenance count as
up. Times are compared as Unix seconds, so SQLite and PostgreSQL read them alike.
"""

from datetime import UTC, timedelta

from django.db import connection
from django.utils import timezone

from statuspage.choices import DOWN_STATUSES, SEVERITY
from statuspage.models import StatusInterval

DAYS = 90
# SQLite's julianday() counts days from this Julian date at the Unix epoch.
UNIX_EPOCH_JULIAN = 2440587.5


def day_starts(now, days: int = DAYS) -> list:
    """The UTC midnights of the last ``days`` days, oldest first (today is the last)."""
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return [today - timedelta(days=days - 1 - index) for index in range(days)]


def _dialect():
    """(seconds since the epoch of a datetime expression, least, greatest, now param)."""
    if connection.vendor == "sqlite":
        return (
            lambda sql: f"((julianday({sql}) - {UNIX_EPOCH_JULIAN}) * 86400.0)",
            "MIN",
            "MAX",
            lambda now: connection.ops.adapt_datetimefield_value(now),
        )
    return (
        lambda sql: f"EXTRACT(EPOCH FROM {sql})",
        "LEAST",
        "GREATEST",
        lambda now: now,
    )


def _sql(component_count: int, day_count: int) -> str:
    seconds, least, greatest, _now = _dialect()
    table = connection.ops.quote_name(StatusInterval._meta.db_table)
    now_cast = "%s" if connection.vendor == "sqlite" else "CAST(%s AS timestamptz)"
    overlap = f"({least}(iv.e, days.e) - {greatest}(iv.s, days.s))"
    ranks = " ".join("WHEN %s THEN %s" for _ in SEVERITY)
    down = ", ".join("%s" for _ in DOWN_STATUSES)
    values = ", ".join("(%s, %s, %s)" for _ in range(day_count))
    ids = ", ".join("%s" for _ in range(component_count))
    # Only placeholders, the table's quoted name and fixed SQL are put in; values are params.
    return f"""
        WITH days (idx, s, e) AS (VALUES {values}),
        iv AS (
            SELECT component_id, status, {seconds("started_at")} AS s,
                   {seconds(f"COALESCE(ended_at, {now_cast})")} AS e
            FROM {table}
            WHERE component_id IN ({ids}) AND (ended_at IS NULL OR ended_at > {now_cast})
        )
        SELECT iv.component_id, days.idx,
               SUM({overlap}),
               SUM(CASE WHEN iv.status IN ({down}) THEN {overlap} ELSE 0 END),
               MAX(CASE iv.status {ranks} END)
        FROM iv JOIN days ON iv.s < days.e AND iv.e > days.s
        GROUP BY iv.component_id, days.idx
    """  # noqa: S608


def uptime_rows(component_ids, *, now=None, days: int = DAYS) -> dict[int, dict]:
    """Component id -> {"days": [(day, seen s, down s, worst rank or None)], "seen", "down"}
    for every component that has intervals in the window."""
    component_ids = sorted(component_ids)
    if not component_ids:
        return {}
    now = now or timezone.now()
    starts = day_starts(now, days)
    epoch = [start.timestamp() for start in starts]
    bounds = []
    for index, start in enumerate(epoch):
        bounds += [index, start, min(start + 86400.0, now.timestamp())]
    _seconds, _least, _greatest, now_param = _dialect()
    params = [
        *bounds,
        now_param(now),
        *component_ids,
        now_param(starts[0]),
        *DOWN_STATUSES,
        *[value for pair in SEVERITY.items() for value in pair],
    ]
    with connection.cursor() as cursor:
        cursor.execute(_sql(len(component_ids), len(starts)), params)
        found = cursor.fetchall()
    cells = {(pk, index): (seen, down, worst) for pk, index, seen, down, worst in found}
    result = {}
    for pk in {row[0] for row in found}:
        bars = []
        for index, start in enumerate(starts):
            seen, down, worst = cells.get((pk, index), (0, 0, None))
            bars.append((start, round(float(seen), 3), round(float(down), 3), worst))
        result[pk] = {
            "days": bars,
            "seen": sum(bar[1] for bar in bars),
            "down": sum(bar[2] for bar in bars),
        }
    return result


def percentage(seen: float, down: float) -> float | None:
    if seen <= 0:
        return None
    return round(100 * (seen - down) / seen, 3)
