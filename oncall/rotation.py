"""Who is on call, as pure arithmetic over rotations and overrides (no database).

A rotation hands over at a local wall-clock time: shift ``k`` starts at the local time
``starts_on + handoff + k * length`` in the rotation's time zone, so a daily 09:00
hand-off stays at 09:00 across daylight-saving changes (the shift that spans the change
lasts 23 or 25 hours). A local time that does not exist (spring forward) is read with the
offset before the change, an ambiguous one (fall back) as its first occurrence (PEP 495
``fold=0``); every comparison is made in UTC. A rotation may cover only some weekdays and
hours (``active_from``..``active_until`` in local time, across midnight when ``until`` is
not later than ``from``; the weekday is the one the window starts on). An override puts
someone on call for a period, in place of anyone (``replaces`` empty, also filling gaps)
or in place of one person.
"""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ALL_WEEKDAYS = frozenset(range(7))


@dataclass(frozen=True)
class RotationSpec:
    members: tuple  # user ids, in hand-off order
    time_zone: str
    starts_on: date
    handoff: time
    length: timedelta
    weekdays: frozenset = ALL_WEEKDAYS  # 0 is Monday
    active_from: time | None = None
    active_until: time | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True)
class OverrideSpec:
    user: int
    start: datetime
    end: datetime
    replaces: int | None = None


@dataclass(frozen=True)
class Shift:
    start: datetime
    end: datetime
    user: int | None  # None: a gap, nobody on call
    override: bool = False

    @property
    def is_gap(self) -> bool:
        return self.user is None


def _instant(spec: RotationSpec, wall: datetime) -> datetime:
    """The UTC instant of a local wall-clock time (gap: offset before; fold: first)."""
    return wall.replace(tzinfo=spec.zone, fold=0).astimezone(UTC)


def _wall(spec: RotationSpec, at: datetime) -> datetime:
    return at.astimezone(spec.zone).replace(tzinfo=None)


def shift_start(spec: RotationSpec, index: int) -> datetime:
    """When shift ``index`` starts (UTC)."""
    return _instant(spec, datetime.combine(spec.starts_on, spec.handoff) + index * spec.length)


def shift_index(spec: RotationSpec, at: datetime) -> int:
    """The index of the shift running at ``at`` (negative before the rotation starts)."""
    anchor = datetime.combine(spec.starts_on, spec.handoff)
    index = math.floor((_wall(spec, at) - anchor) / spec.length)
    while shift_start(spec, index + 1) <= at:
        index += 1
    while shift_start(spec, index) > at:
        index -= 1
    return index


def is_active(spec: RotationSpec, at: datetime) -> bool:
    """Whether ``at`` falls in the rotation's weekdays and hours."""
    wall = _wall(spec, at)
    start, until = spec.active_from, spec.active_until
    if start is None or until is None:
        return wall.weekday() in spec.weekdays
    now = wall.time()
    if start < until:
        return wall.weekday() in spec.weekdays and start <= now < until
    if now >= start:
        return wall.weekday() in spec.weekdays
    return now < until and (wall.date() - timedelta(days=1)).weekday() in spec.weekdays


def rotation_member(spec: RotationSpec, at: datetime) -> int | None:
    """The rotation's member at ``at``, ignoring overrides (None outside its hours)."""
    if not spec.members or not is_active(spec, at):
        return None
    index = shift_index(spec, at)
    if index < 0:
        return None
    return spec.members[index % len(spec.members)]


def on_call_at(spec: RotationSpec | None, overrides, at: datetime) -> tuple[int | None, bool]:
    """Who is on call at ``at`` and whether by an override; the last override listed wins."""
    base = rotation_member(spec, at) if spec is not None else None
    for override in reversed(list(overrides)):
        if override.start <= at < override.end and override.replaces in (None, base):
            return override.user, True
    return base, False


def _boundaries(spec: RotationSpec | None, overrides, start: datetime, end: datetime):
    points = {start, end}
    for override in overrides:
        points |= {override.start, override.end}
    if spec is not None:
        first, last = shift_index(spec, start), shift_index(spec, end)
        points |= {shift_start(spec, index) for index in range(first, last + 2)}
        day = _wall(spec, start).date() - timedelta(days=1)
        while day <= _wall(spec, end).date() + timedelta(days=1):
            for moment in (time(0), spec.active_from, spec.active_until):
                if moment is not None:
                    points.add(_instant(spec, datetime.combine(day, moment)))
            day += timedelta(days=1)
    return sorted(point for point in points if start <= point <= end)


def shifts_between(spec: RotationSpec | None, overrides, start: datetime, end: datetime):
    """The shifts from ``start`` to ``end``, gaps included (``user`` None), cut to the range."""
    overrides = list(overrides)
    shifts: list[Shift] = []
    points = _boundaries(spec, overrides, start, end)
    for begin, finish in zip(points, points[1:], strict=False):
        if begin == finish:
            continue
        user, by_override = on_call_at(spec, overrides, begin)
        last = shifts[-1] if shifts else None
        if last and (last.user, last.override) == (user, by_override) and last.end == begin:
            shifts[-1] = Shift(last.start, finish, user, by_override)
        else:
            shifts.append(Shift(begin, finish, user, by_override))
    return shifts
