"""Business-time arithmetic over a weekly working-hours calendar.

Working hours are local wall-clock times in the calendar's time zone; every instant the
functions take or return is an aware datetime, returned in UTC.

Daylight saving time. On the day the clocks jump, a wall-clock time may not exist (the
skipped hour, or half hour on Lord Howe Island) or may exist twice (the repeated hour):

- a start or end of working hours inside the skipped hour moves to the end of the gap:
  on the spring-forward night in Berlin a span starting at 02:15 opens at 03:00 CEST, and
  a span ending at 02:15 ends at 03:00 CEST (it counts nothing after the jump);
- a start or end inside the repeated hour is its first occurrence (the summer-time
  reading): 02:15 on the fall-back night in Berlin is 02:15 CEST.

So a span never counts time that is not inside its wall-clock hours, the intervals of a
day stay ordered and disjoint, and a 24x7 calendar counts real elapsed time.
"""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MIDNIGHT = time(0)
ONE_DAY = timedelta(days=1)
MAX_DAYS = 3700

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class CalendarSpec:
    """Weekly working hours (local wall-clock, end == 00:00 means end of day)."""

    tz: ZoneInfo
    hours: Mapping[int, tuple[tuple[time, time], ...]]
    holidays: frozenset[date] = frozenset()

    def __post_init__(self):
        hours = {}
        for weekday, spans in self.hours.items():
            if weekday not in range(7):
                raise ValueError(f"weekday must be 0..6, got {weekday!r}")
            spans = tuple((s, e) for s, e in spans)
            prev_end = None
            for s, e in spans:
                if s.tzinfo is not None or e.tzinfo is not None:
                    raise ValueError("working hours must be naive wall-clock times")
                if prev_end is not None and (prev_end == MIDNIGHT or s < prev_end):
                    raise ValueError(f"working hours overlap or unsorted: {spans!r}")
                if e != MIDNIGHT and e <= s:
                    raise ValueError(f"working interval ends before it starts: {s}-{e}")
                prev_end = e
            hours[weekday] = spans
        object.__setattr__(self, "hours", hours)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        # Each local day's intervals, computed once per spec (a spec lives for a request
        # or an SLA job batch, and every clock of every record on the policy reads them).
        object.__setattr__(self, "_days", {})


ALWAYS = CalendarSpec(
    tz=ZoneInfo("UTC"),
    hours={d: ((MIDNIGHT, MIDNIGHT),) for d in range(7)},
    holidays=frozenset(),
)


def to_utc(value: datetime) -> datetime:
    """Convert an aware datetime to UTC; reject naive ones."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime not allowed: {value!r}")
    return value.astimezone(UTC)


def local_instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``wall`` on ``day`` (DST rules in the module docstring)."""
    naive = datetime.combine(day, wall)
    # fold=0 is the first occurrence of a repeated time.
    instant = naive.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == naive:
        return instant
    # Not a real local time: it lies in a gap, between the instant the fold=1 reading
    # gives (before the jump) and the one fold=0 gives (after it). The end of the gap is
    # the jump itself: the first second whose offset is the post-jump one.
    after_offset = instant.astimezone(tz).utcoffset()
    lo = math.floor(naive.replace(tzinfo=tz, fold=1).timestamp())
    hi = math.ceil(instant.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).utcoffset() == after_offset:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def _day_intervals(spec: CalendarSpec, day: date) -> tuple[Interval, ...]:
    cached = spec._days.get(day)
    if cached is not None:
        return cached
    out = []
    if day not in spec.holidays:
        for s, e in spec.hours.get(day.weekday(), ()):
            end_day = day + ONE_DAY if e == MIDNIGHT else day
            out.append((local_instant(day, s, spec.tz), local_instant(end_day, e, spec.tz)))
    spec._days[day] = tuple(out)
    return spec._days[day]


def _intervals_from(spec: CalendarSpec, start: datetime, days: int) -> Iterator[Interval]:
    """Working intervals at or after `start` (UTC), scanning `days` local days."""
    day = start.astimezone(spec.tz).date() - ONE_DAY
    cursor = start
    for _ in range(days):
        for lo, hi in _day_intervals(spec, day):
            # The cursor keeps intervals disjoint, ordered and never negative, even for
            # spans that a spring-forward gap empties.
            lo = max(lo, cursor)
            if hi > lo:
                yield lo, hi
                cursor = hi
        day += ONE_DAY


def working_intervals(spec: CalendarSpec, start: datetime, end: datetime) -> list[Interval]:
    """Business intervals (UTC) inside [start, end), merged where they touch."""
    start, end = to_utc(start), to_utc(end)
    if end <= start:
        return []
    local_days = (end.astimezone(spec.tz).date() - start.astimezone(spec.tz).date()).days
    out: list[Interval] = []
    for lo, hi in _intervals_from(spec, start, local_days + 3):
        if lo >= end:
            break
        hi = min(hi, end)
        if out and out[-1][1] == lo:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def business_time_between(spec: CalendarSpec, start: datetime, end: datetime) -> timedelta:
    """Business time in [start, end); zero if end <= start."""
    return sum((hi - lo for lo, hi in working_intervals(spec, start, end)), timedelta())


def add_business_time(spec: CalendarSpec, start: datetime, duration: timedelta) -> datetime:
    """Earliest instant t >= start with business_time_between(start, t) == duration."""
    start = to_utc(start)
    if duration < timedelta():
        raise ValueError("duration must not be negative")
    if not duration:
        return start
    if not any(spec.hours.values()):
        raise ValueError("calendar has no working hours")
    left = duration
    for lo, hi in _intervals_from(spec, start, MAX_DAYS):
        if left <= hi - lo:
            return lo + left
        left -= hi - lo
    raise ValueError(f"duration not reached within {MAX_DAYS} days")
