"""SLA clocks: business time elapsed against a target, with pauses.

A clock starts at ``started_at``, counts business time (see :mod:`itsm.sla.calendar`)
except while paused, and may be stopped. Two rules hold everywhere a clock is read:

- Nothing after a clock's stop changes its figures. Pauses that start at or after the
  stop are ignored and a pause that straddles the stop counts only up to it, so a met
  response keeps its due time through a later hold, and time spent resolved before a
  rejection (a pause starting at the resolution) never moves the response due time.
- Exactly 100 %: a clock is *met* when it stops at or before its due time and *breached*
  when it runs past its due time or stops after it (:func:`is_past`). A clock that is
  running exactly at its due time is not breached yet. A threshold below 100 % (the
  warning) is crossed the same way: once the clock runs past the instant it is reached.
  The SLA job, the API, the admin and the portal all use this one definition.
"""

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


def is_past(instant: datetime | None, end: datetime) -> bool:
    """Whether a clock that ran until ``end`` went past ``instant`` (a due time or threshold).

    The one definition of "breached": ``end`` is the stop, or now for a running clock.
    ``instant`` is None while an open pause holds the clock short of it.
    """
    return instant is not None and end > instant


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


def _until_stop(spans: list[Span], stop: datetime | None) -> list[Span]:
    """The pause spans as seen by a clock stopped at ``stop``: nothing after it counts."""
    if stop is None:
        return spans
    return [(lo, stop if hi is None or hi > stop else hi) for lo, hi in spans if lo < stop]


def _reach(
    spec: CalendarSpec, start: datetime, amounts: Sequence[timedelta], spans: list[Span]
) -> list[datetime | None]:
    """Instants counted business time from start reaches each amount, in one walk.

    None for an amount an open pause holds the clock short of.
    """
    pending = sorted({a for a in amounts if a})
    found = {timedelta(): start}
    t, used = start, timedelta()
    for lo, hi in spans:
        if not pending:
            break
        if hi is not None and hi <= t:
            continue
        if lo > t:
            gap = business_time_between(spec, t, lo)
            while pending and pending[0] - used <= gap:
                amount = pending.pop(0)
                found[amount] = add_business_time(spec, t, amount - used)
            used += gap
        if hi is None:
            pending = []
        else:
            t = max(t, hi)
    for amount in pending:
        found[amount] = add_business_time(spec, t, amount - used)
    return [found.get(amount) for amount in amounts]


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
    spans = _until_stop(_merge_pauses(pauses), end if stopped else None)
    counted, paused = _split(working_intervals(spec, started_at, end), spans)
    elapsed = sum((hi - lo for lo, hi in counted), timedelta())
    paused_total = sum((hi - lo for lo, hi in paused), timedelta())
    is_paused = not stopped and any(lo <= now and (hi is None or now < hi) for lo, hi in spans)
    [due] = _reach(spec, started_at, [target], spans)
    return ClockState(
        started_at=started_at,
        target=target,
        elapsed=elapsed,
        paused=paused_total,
        due_at=due,
        remaining=max(target - elapsed, timedelta()),
        percent=elapsed / target * 100 if target else 100.0,
        breached=is_past(due, end),
        is_paused=is_paused,
        stopped_at=to_utc(stopped_at) if stopped else None,
        counted=tuple(counted),
        paused_intervals=tuple(paused),
    )


def due_at(
    spec: CalendarSpec,
    *,
    started_at: datetime,
    target: timedelta,
    pauses: Sequence[Pause],
    stopped_at: datetime | None = None,
) -> datetime | None:
    """Instant the target is reached; None while an open pause holds the clock."""
    [due] = thresholds_at(
        spec,
        started_at=started_at,
        target=target,
        pauses=pauses,
        fractions=[1.0],
        stopped_at=stopped_at,
    )
    return due


def threshold_at(
    spec: CalendarSpec,
    *,
    started_at: datetime,
    target: timedelta,
    pauses: Sequence[Pause],
    fraction: float,
    stopped_at: datetime | None = None,
) -> datetime | None:
    """Instant elapsed business time reaches fraction * target (e.g. 0.75 for a warning)."""
    [instant] = thresholds_at(
        spec,
        started_at=started_at,
        target=target,
        pauses=pauses,
        fractions=[fraction],
        stopped_at=stopped_at,
    )
    return instant


def thresholds_at(
    spec: CalendarSpec,
    *,
    started_at: datetime,
    target: timedelta,
    pauses: Sequence[Pause],
    fractions: Sequence[float],
    stopped_at: datetime | None = None,
) -> list[datetime | None]:
    """:func:`threshold_at` for several fractions of one clock, in one walk.

    For a stopped clock only the pauses before ``stopped_at`` count.
    """
    if target < timedelta() or any(f < 0 for f in fractions):
        raise ValueError("target and fractions must not be negative")
    stop = None if stopped_at is None else to_utc(stopped_at)
    spans = _until_stop(_merge_pauses(pauses), stop)
    return _reach(spec, to_utc(started_at), [target * f for f in fractions], spans)
