"""Maintenance windows: from approved changes that expect an outage, or entered by hand.

A change's window follows the change's state (scheduled: upcoming; implementing: in
progress; review or closed: completed; cancelled or rejected: cancelled) and its times
(the actual ones once known). A hand-entered window follows the clock
(:func:`maintenance_tick`). Either way the components' status is refreshed.
"""

from django.db import transaction
from django.utils import timezone

from changes.choices import Status as ChangeStatus
from changes.models import Change
from itsm.audit import record_change, system_user
from itsm.errors import Refused
from itsm.writes import lock_record, save_record
from statuspage import cache
from statuspage.choices import MaintenanceState
from statuspage.models import Component, Maintenance
from statuspage.services.components import components_refresh

CHANGE_STATES = {
    ChangeStatus.SCHEDULED: MaintenanceState.UPCOMING,
    ChangeStatus.IMPLEMENTING: MaintenanceState.IN_PROGRESS,
    ChangeStatus.REVIEW: MaintenanceState.COMPLETED,
    ChangeStatus.CLOSED: MaintenanceState.COMPLETED,
    ChangeStatus.CANCELLED: MaintenanceState.CANCELLED,
    ChangeStatus.REJECTED: MaintenanceState.CANCELLED,
}
EDITABLE = ("title", "description", "starts_at", "ends_at")


def _check_times(starts_at, ends_at) -> None:
    if not starts_at or not ends_at or ends_at <= starts_at:
        raise Refused("invalid_input", "The window must end after it starts.", field="ends_at")


def _refresh(maintenance, actor) -> None:
    components_refresh(
        component_ids=maintenance.components.values_list("pk", flat=True),
        actor=actor,
        reason=f"Maintenance {maintenance.pk}: {maintenance.state}",
    )
    cache.invalidate_on_commit()


@transaction.atomic
def maintenance_create(*, actor, title: str, starts_at, ends_at, components, description=""):
    _check_times(starts_at, ends_at)
    if not components:
        raise Refused("invalid_input", "Choose the components.", field="components")
    maintenance = Maintenance(
        title=title, description=description, starts_at=starts_at, ends_at=ends_at
    )
    maintenance.state = _clock_state(maintenance, timezone.now())
    record_change(maintenance, actor, "Maintenance announced")
    maintenance.save()
    maintenance.components.set(components)
    _refresh(maintenance, actor)
    return maintenance


@transaction.atomic
def maintenance_update(
    *, maintenance_id: int, actor, components=None, expected_version=None, **fields
) -> Maintenance:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise Refused("invalid_input", f"Unknown fields: {sorted(unknown)}.")
    maintenance = lock_record(Maintenance, maintenance_id, expected_version=expected_version)
    changed = [name for name, value in fields.items() if getattr(maintenance, name) != value]
    for name in changed:
        setattr(maintenance, name, fields[name])
    _check_times(maintenance.starts_at, maintenance.ends_at)
    if maintenance.change_id is None and maintenance.state != MaintenanceState.CANCELLED:
        state = _clock_state(maintenance, timezone.now())
        if state != maintenance.state:
            maintenance.state = state
            changed.append("state")
    if changed:
        save_record(maintenance, actor=actor, reason="Maintenance edited", fields=changed)
    if components is not None:
        before = set(maintenance.components.values_list("pk", flat=True))
        maintenance.components.set(components)
        components_refresh(component_ids=before, actor=actor, reason="Maintenance edited")
    _refresh(maintenance, actor)
    return maintenance


@transaction.atomic
def maintenance_cancel(*, maintenance_id: int, actor, expected_version=None) -> Maintenance:
    maintenance = lock_record(Maintenance, maintenance_id, expected_version=expected_version)
    if maintenance.change_id is not None:
        raise Refused("invalid_input", "This window follows its change: cancel the change.")
    if maintenance.state != MaintenanceState.CANCELLED:
        maintenance.state = MaintenanceState.CANCELLED
        save_record(maintenance, actor=actor, reason="Maintenance cancelled", fields=["state"])
        _refresh(maintenance, actor)
    return maintenance


def _clock_state(maintenance, now) -> str:
    if now < maintenance.starts_at:
        return MaintenanceState.UPCOMING
    if now < maintenance.ends_at:
        return MaintenanceState.IN_PROGRESS
    return MaintenanceState.COMPLETED


@transaction.atomic
def maintenance_tick(*, now=None) -> list[int]:
    """Move hand-entered windows along the clock; return the ids that moved."""
    now = now or timezone.now()
    actor = system_user()
    due = Maintenance.objects.filter(
        change__isnull=True,
        state__in=[MaintenanceState.UPCOMING, MaintenanceState.IN_PROGRESS],
    ).filter(starts_at__lte=now)
    moved = []
    for pk in due.values_list("pk", flat=True):
        maintenance = lock_record(Maintenance, pk)
        state = _clock_state(maintenance, now)
        if state != maintenance.state:
            maintenance.state = state
            save_record(maintenance, actor=actor, reason="Maintenance window", fields=["state"])
            _refresh(maintenance, actor)
            moved.append(pk)
    return moved


def _change_times(change) -> tuple:
    starts = change.actual_start or change.planned_start
    ends = change.actual_end or change.planned_end
    if starts and ends and ends <= starts:
        ends = None
    return starts, ends


@transaction.atomic
def maintenance_sync_change(*, change_id: int) -> Maintenance | None:
    """Create or move the window of a change that expects an outage, as its state says."""
    change = Change.objects.get(pk=change_id)
    actor = system_user()
    state = CHANGE_STATES.get(change.status)
    maintenance = Maintenance.objects.filter(change=change).first()
    if maintenance is None:
        starts, ends = _change_times(change)
        wanted = change.outage_expected and state not in (None, MaintenanceState.CANCELLED)
        if not (wanted and starts and ends):
            return None
        components = list(Component.objects.filter(service__in=change.services.all()))
        if not components:
            return None
        names = ", ".join(component.display_name for component in components)
        maintenance = Maintenance(
            change=change,
            title=f"Scheduled maintenance: {names}"[:200],
            starts_at=starts,
            ends_at=ends,
            state=state,
        )
        record_change(maintenance, actor, f"From change {change.number}")
        maintenance.save()
        maintenance.components.set(components)
        _refresh(maintenance, actor)
        return maintenance
    maintenance = lock_record(Maintenance, maintenance.pk)
    if not change.outage_expected and state != MaintenanceState.COMPLETED:
        state = MaintenanceState.CANCELLED
    starts, ends = _change_times(change)
    wanted = {"state": state or maintenance.state}
    if starts and ends:
        wanted |= {"starts_at": starts, "ends_at": ends}
    changed = [name for name, value in wanted.items() if getattr(maintenance, name) != value]
    for name in changed:
        setattr(maintenance, name, wanted[name])
    if changed:
        save_record(
            maintenance,
            actor=actor,
            reason=f"Change {change.number}: {change.status}",
            fields=changed,
        )
        _refresh(maintenance, actor)
    return maintenance
