"""Reads: who is on call, shifts, and the pages a user may see."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from itsm.roles import is_agent, role_allows
from oncall import rotation
from oncall.models import Override, Page, Rotation, RotationMember, Schedule


def sees_on_call(user) -> bool:
    """IT staff read schedules and pages; employees see none of it."""
    return bool(getattr(user, "is_authenticated", False)) and (
        is_agent(user) or role_allows(user, "oncall", "view")
    )


def manages_on_call(user) -> bool:
    return role_allows(user, "oncall", "change")


def schedules_with_rotations(*, since: datetime | None = None):
    """Schedules with everything the on-call arithmetic reads, in a fixed number of queries.

    Overrides that ended before ``since`` are left out.
    """
    overrides = Override.objects.select_related("user", "replaces")
    if since is not None:
        overrides = overrides.filter(ends_at__gt=since)
    rotations = Rotation.objects.prefetch_related(
        Prefetch("members", queryset=RotationMember.objects.select_related("user")),
        Prefetch("overrides", queryset=overrides),
    )
    return Schedule.objects.select_related("team", "team__manager").prefetch_related(
        Prefetch("rotations", queryset=rotations)
    )


def schedule_list_visible_to(*, user):
    if not sees_on_call(user):
        return Schedule.objects.none()
    return schedules_with_rotations(since=timezone.now() - timedelta(days=1)).order_by("name", "pk")


def schedule_get_for_user(*, user, pk) -> Schedule:
    schedule = schedule_list_visible_to(user=user).filter(pk=pk).first()
    if schedule is None:
        raise Http404
    return schedule


def _people(rot) -> dict:
    people = {row.user_id: row.user for row in rot.members.all()}
    for override in rot.overrides.all():
        people[override.user_id] = override.user
    return people


def _specs(rot):
    return rot.spec(list(rot.members.all())), [o.spec() for o in rot.overrides.all()]


@dataclass(frozen=True)
class OnCall:
    rotation: Rotation
    user: object | None
    by_override: bool


def rotation_on_call(rot, at: datetime) -> OnCall:
    spec, overrides = _specs(rot)
    user_id, by_override = rotation.on_call_at(spec, overrides, at)
    return OnCall(rot, _people(rot).get(user_id), by_override)


def on_call(schedule, at: datetime | None = None) -> list[OnCall]:
    """Who is on call in each rotation of ``schedule`` (prefetched) at ``at``."""
    at = at or timezone.now()
    return [rotation_on_call(rot, at) for rot in schedule.rotations.all()]


def primary_on_call(schedule, at: datetime | None = None):
    """The group's on-call person: the first rotation (by position) with someone on call."""
    if schedule is None or not schedule.is_active:
        return None
    return next((row.user for row in on_call(schedule, at) if row.user is not None), None)


def next_person(schedule, at: datetime):
    """The member after the one whose shift it is in the primary rotation."""
    rot = next(iter(schedule.rotations.all()), None) if schedule else None
    if rot is None:
        return None
    spec, _ = _specs(rot)
    if not spec.members:
        return None
    index = rotation.shift_index(spec, at)
    following = spec.members[(max(index, 0) + 1) % len(spec.members)]
    return _people(rot).get(following)


@dataclass(frozen=True)
class ShiftRow:
    rotation: Rotation
    start: datetime
    end: datetime
    user: object | None
    by_override: bool


def rotation_shifts(rot, start: datetime, end: datetime) -> list[ShiftRow]:
    spec, overrides = _specs(rot)
    people = _people(rot)
    return [
        ShiftRow(rot, s.start, s.end, people.get(s.user), s.override)
        for s in rotation.shifts_between(spec, overrides, start, end)
    ]


def user_shifts(*, user, start: datetime, end: datetime, schedules=None) -> list[ShiftRow]:
    """``user``'s shifts in every rotation they are in or cover, in time order."""
    if schedules is None:
        schedules = schedules_with_rotations(since=start).filter(is_active=True)
    rows = [
        row
        for schedule in schedules
        for rot in schedule.rotations.all()
        for row in rotation_shifts(rot, start, end)
        if row.user is not None and row.user.pk == user.pk
    ]
    return sorted(rows, key=lambda row: (row.start, row.rotation.pk))


def page_list_visible_to(*, user):
    if not sees_on_call(user):
        return Page.objects.none()
    return Page.objects.select_related("incident", "team", "person", "acknowledged_by").order_by(
        "-sent_at", "-pk"
    )


def page_get_for_user(*, user, pk) -> Page:
    page = page_list_visible_to(user=user).filter(pk=pk).first()
    if page is None:
        raise Http404
    return page


def open_pages_for(*, user):
    return page_list_visible_to(user=user).filter(person=user, acknowledged_at__isnull=True)
