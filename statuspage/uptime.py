"""Uptime per component and day, computed by the database from the stored intervals.

For each day of the window one conditional sum adds up, over the component's intervals,
the seconds each one overlaps that day (``least(end, day end) - greatest(start, day
start)``), once for the time in any status (how much of the day the component existed)
and once for the time down (partial or major outage), and one conditional maximum gives
the worst status of the day. So one query answers every component and every day, and
no interval row leaves the database. Degraded performance and maintenance count as up.
"""

from datetime import UTC, timedelta

from django.db.models import (
    Case,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from statuspage.choices import DOWN_STATUSES, SEVERITY
from statuspage.models import StatusInterval

DAYS = 90
ZERO = timedelta(0)


def day_starts(now, days: int = DAYS) -> list:
    """The UTC midnights of the last ``days`` days, oldest first (today is the last)."""
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return [today - timedelta(days=days - 1 - index) for index in range(days)]


def _overlap(start, end, now):
    ended = Coalesce(F("ended_at"), Value(now))
    return ExpressionWrapper(
        Least(ended, Value(end)) - Greatest(F("started_at"), Value(start)),
        output_field=DurationField(),
    )


def _rank():
    return Case(
        *[When(status=status, then=Value(rank)) for status, rank in SEVERITY.items()],
        output_field=IntegerField(),
    )


def uptime_rows(component_ids, *, now=None, days: int = DAYS) -> dict[int, dict]:
    """Component id -> {"days": [(day, seen, down, worst rank or None)], "seen", "down"}."""
    now = now or timezone.now()
    starts = day_starts(now, days)
    window_start = starts[0]
    annotations = {}
    for index, start in enumerate(starts):
        end = min(start + timedelta(days=1), now)
        overlaps = Q(started_at__lt=end) & (Q(ended_at__isnull=True) | Q(ended_at__gt=start))
        annotations[f"s{index}"] = Sum(
            Case(When(overlaps, then=_overlap(start, end, now)), default=Value(ZERO)),
            output_field=DurationField(),
        )
        annotations[f"d{index}"] = Sum(
            Case(
                When(overlaps & Q(status__in=DOWN_STATUSES), then=_overlap(start, end, now)),
                default=Value(ZERO),
            ),
            output_field=DurationField(),
        )
        annotations[f"w{index}"] = Max(Case(When(overlaps, then=_rank()), default=Value(None)))
    rows = (
        StatusInterval.objects.filter(component_id__in=list(component_ids))
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=window_start))
        .values("component_id")
        .order_by("component_id")
        .annotate(**annotations)
    )
    result = {}
    for row in rows:
        bars = [
            (start, _seconds(row[f"s{i}"]), _seconds(row[f"d{i}"]), row[f"w{i}"])
            for i, start in enumerate(starts)
        ]
        result[row["component_id"]] = {
            "days": bars,
            "seen": sum(bar[1] for bar in bars),
            "down": sum(bar[2] for bar in bars),
        }
    return result


def _seconds(value) -> float:
    """A summed duration in seconds (SQLite hands back microseconds as a number)."""
    if value is None:
        return 0.0
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) / 1_000_000


def percentage(seen: float, down: float) -> float | None:
    if seen <= 0:
        return None
    return round(100 * (seen - down) / seen, 3)
