"""Components and their status: create, edit, set by hand, and refresh from the records.

A status change closes the component's open interval and opens the next one at the same
instant, so the intervals of a component tile its life without gap or overlap.
"""

from django.db import transaction
from django.utils import timezone

from itsm.audit import record_change, system_user
from itsm.errors import Refused
from itsm.writes import lock_record, save_record
from statuspage import cache
from statuspage.choices import ComponentStatus
from statuspage.derivation import derived_statuses, shown_status
from statuspage.models import Component, StatusInterval

EDITABLE = ("display_name", "group", "description", "is_public", "order")


def _open_interval(component, status: str, at, actor, reason: str) -> None:
    interval = StatusInterval(component=component, status=status, started_at=at)
    record_change(interval, actor, reason)
    interval.save()


def _move(component, status: str, at, actor, reason: str) -> None:
    current = StatusInterval.objects.filter(component=component, ended_at__isnull=True).first()
    if current is not None:
        current.ended_at = max(at, current.started_at)
        record_change(current, actor, reason)
        current.save(update_fields=["ended_at"])
    _open_interval(component, status, at, actor, reason)
    component.status = status
    save_record(component, actor=actor, reason=reason, fields=["status"])


@transaction.atomic
def component_create(*, actor, service, display_name: str, created_at=None, **fields) -> Component:
    """A new component, operational from ``created_at`` (now, or earlier for an import)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise Refused("invalid_input", f"Unknown fields: {sorted(unknown)}.")
    if Component.objects.filter(service=service).exists():
        raise Refused("invalid_input", f"{service} already has a component.", field="service")
    component = Component(service=service, display_name=display_name, **fields)
    component.created_at = created_at or timezone.now()
    record_change(component, actor, "Component created")
    component.save()
    _open_interval(component, component.status, component.created_at, actor, "Component created")
    components_refresh(
        component_ids=[component.pk], actor=actor, reason="Component created", at=created_at
    )
    cache.invalidate_on_commit()
    return component


@transaction.atomic
def component_update(*, component_id: int, actor, expected_version=None, **fields) -> Component:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise Refused("invalid_input", f"Unknown fields: {sorted(unknown)}.")
    component = lock_record(Component, component_id, expected_version=expected_version)
    changed = [name for name, value in fields.items() if getattr(component, name) != value]
    for name in changed:
        setattr(component, name, fields[name])
    if changed:
        save_record(component, actor=actor, reason="Component edited", fields=changed)
        cache.invalidate_on_commit()
    return component


@transaction.atomic
def component_set_status(
    *, component_id: int, actor, status: str, reason: str, expected_version=None, at=None
) -> Component:
    """Set the status by hand (``""`` hands it back to the records); ``at`` backdates the
    change for an import, and must not be earlier than the component's last change."""
    if status and status not in ComponentStatus.values:
        raise Refused("invalid_input", f"Unknown status {status!r}.", field="status")
    if not reason.strip():
        raise Refused("reason_required", field="reason", action="set a status by hand")
    component = lock_record(Component, component_id, expected_version=expected_version)
    if component.manual_status != status:
        component.manual_status = status
        save_record(component, actor=actor, reason=reason, fields=["manual_status"])
    components_refresh(component_ids=[component.pk], actor=actor, reason=reason, at=at)
    return component


@transaction.atomic
def components_refresh(*, component_ids=None, actor=None, reason: str = "", at=None) -> list[int]:
    """Bring the components' status in line with their sources; return the ids that moved."""
    at = at or timezone.now()
    actor = actor or system_user()
    queryset = Component.objects.select_for_update().order_by("pk")
    if component_ids is not None:
        queryset = queryset.filter(pk__in=list(component_ids))
    components = list(queryset)
    derived = derived_statuses(components)
    moved = []
    for component in components:
        status = shown_status(component, derived[component.pk])
        if status != component.status:
            _move(component, status, at, actor, reason or "Status follows the records")
            moved.append(component.pk)
    if moved:
        cache.invalidate_on_commit()
    return moved
