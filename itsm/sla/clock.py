"""SLA clocks: business time elapsed against a target, with pauses."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .calendar import (
    CalendarSpec,
    Interval,
    add_business_time,
    business_time_between,
    to_utc,
    working_intervals,
)

# A merged pause span; end None means still open.
Span = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class Pause:
    start: datetime
    end: datetime | None = None


@dataclass(frozen=True)
class ClockState:
    started_at: datetime
    target: timedelta
    elapsed: timedelta
    paused: timedelta
    due_at: datetime | None
    remaining: timedelta
    percent: float
    breached: bool
    is_paused: bool
    stopped_at: datetime | None
    counted: tuple[Interval, ...]
    paused_intervals: tuple[Interval, ...]


def _merge_pauses(pauses: Sequence[Pause]) -> list[Span]:
    spans = []
    for p in pauses:
        lo = to_utc(p.start)
        hi = None if p.end is None else to_utc(p.end)
        if hi is not None and hi < lo:
            raise ValueError(f"pause ends before it starts: {p!r}")
        if hi != lo:
            spans.append((lo, hi))
    spans.sort(key=lambda s: s[0])
    out: list[Span] = []
    for lo, hi in spans:
        if out and (out[-1][1] is None or lo <= out[-1][1]):
            prev_lo, prev_hi = out[-1]
            out[-1] = (prev_lo, None if prev_hi is None or hi is None else max(prev_hi, hi))
        else:
            out.append((lo, hi))
    return out


def _split(working: list[Interval], spans: list[Span]) -> tuple[list[Interval], list[Interval]]:
    """Split working intervals into (counted, paused) parts."""
    counted, paused = [], []
    for lo, hi in working:
        cursor = lo
        for plo, phi in spans:
            a = max(plo, cursor)
            b = hi if phi is None else min(phi, hi)
            if b <= a:
                continue
            if a > cursor:
                counted.append((cursor, a))
            paused.append((a, b))
            cursor = b
        if cursor < hi:
            counted.append((cursor, hi))
    return counted, paused


def _reach(
    spec: CalendarSpec, start: datetime, amount: timedelta, spans: list[Span]
) -> datetime | None:
    """Instant counted business time from start reaches amount; None if an open pause blocks it."""
    t, left = start, amount
    if not left:
        return t
    for lo, hi in spans:
        if hi is not None and hi <= t:
            continue
        if lo > t:
            gap = business_time_between(spec, t, lo)
            if left <= gap:
                return add_business_time(spec, t, left)
            left -= gap
        if hi is None:
            return None
        t = max(t, hi)
    return add_business_time(spec, t, left)


def compute_clock(
    spec: CalendarSpec,
    *,
    started_at: datetime,
    target: timedelta,
    pauses: Sequence[Pause],
    now: datetime,
    stopped_at: datetime | None = None,
) -> ClockState:
    """State of an SLA clock at `now`, or as frozen at `stopped_at`."""
    started_at, now = to_utc(started_at), to_utc(now)
    if target < timedelta():
        raise ValueError("target must not be negative")
    stopped = stopped_at is not None
    end = to_utc(stopped_at) if stopped else now
    spans = _merge_pauses(pauses)
    if stopped:
        # Once stopped, an open pause is treated as ending at the stop.
        spans = [(lo, end if hi is None else hi) for lo, hi in spans if hi is not None or lo < end]
    counted, paused = _split(working_intervals(spec, started_at, end), spans)
    elapsed = sum((hi - lo for lo, hi in counted), timedelta())
    paused_total = sum((hi - lo for lo, hi in paused), timedelta())
    is_paused = not stopped and any(lo <= now and (hi is None or now < hi) for lo, hi in spans)
    return ClockState(
        started_at=started_at,
        target=target,
        elapsed=elapsed,
        paused=paused_total,
        due_at=_reach(spec, started_at, target, spans),
        remaining=max(target - elapsed, timedelta()),
        percent=elapsed / target * 100 if target else 100.0,
        breached=elapsed > target,
        is_paused=is_paused,
        stopped_at=to_utc(stopped_at) if stopped else None,
        counted=tuple(counted),
        paused_intervals=tuple(paused),
    )


def due_at(
    spec: CalendarSpec, *, started_at: datetime, target: timedelta, pauses: Sequence[Pause]
) -> datetime | None:
    """Instant the target is reached; None while an open pause holds the clock."""
    return threshold_at(spec, started_at=started_at, target=target, pauses=pauses, fraction=1.0)


def threshold_at(
    spec: CalendarSpec,
    *,
    started_at: datetime,
    target: timedelta,
    pauses: Sequence[Pause],
    fraction: float,
) -> datetime | None:
    """Instant elapsed business time reaches fraction * target (e.g. 0.75 for a warning)."""
    if target < timedelta() or fraction < 0:
        raise ValueError("target and fraction must not be negative")
    return _reach(spec, to_utc(started_at), target * fraction, _merge_pauses(pauses))
