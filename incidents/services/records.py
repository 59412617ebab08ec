"""Logging and editing incidents (never their status)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from incidents import sla
from incidents.choices import Channel
from incidents.models import Incident
from itsm.audit import record_change
from itsm.choices import Level, Priority, RecordKind
from itsm.errors import Refused
from itsm.notifications import announce_on_commit, notify_on_commit
from itsm.numbering import allocate_number
from itsm.priority import compute_priority
from itsm.roles import is_agent
from itsm.writes import lock_record, save_record, validate_fields

EMPLOYEE_EDITABLE = frozenset({"title", "description"})
STAFF_EDITABLE = frozenset(
    {
        "title",
        "description",
        "affected_user",
        "channel",
        "detected_at",
        "category",
        "subcategory",
        "service",
        "configuration_item",
        "impact",
        "urgency",
        "parent",
        "duplicate_of",
        "problem",
    }
)


def _check_classification(incident) -> None:
    errors = {}
    if incident.category and (
        incident.category.kind != RecordKind.INCIDENT or incident.category.parent_id
    ):
        errors["category"] = "Choose a top-level incident category."
    if incident.subcategory:
        if incident.category is None:
            errors["subcategory"] = "Choose a category first."
        elif incident.subcategory.parent_id != incident.category_id:
            errors["subcategory"] = "This subcategory does not belong to the chosen category."
    if incident.parent_id and incident.parent_id == incident.pk:
        errors["parent"] = "An incident cannot be its own parent."
    if incident.duplicate_of_id and incident.duplicate_of_id == incident.pk:
        errors["duplicate_of"] = "An incident cannot duplicate itself."
    if errors:
        raise ValidationError(errors)


def _check_related_scope(actor, *, affected_user, parent, duplicate_of) -> None:
    """Employees may only file for themselves and may not link records (SECURITY.md T06)."""
    if is_agent(actor):
        return
    errors = {}
    if affected_user is not None and affected_user.pk != actor.pk:
        errors["affected_user"] = "You can only report incidents for yourself."
    if parent is not None:
        errors["parent"] = "Only IT staff can link incidents."
    if duplicate_of is not None:
        errors["duplicate_of"] = "Only IT staff can mark duplicates."
    if errors:
        raise ValidationError(errors)


def incident_create(
    *,
    actor,
    title: str,
    description: str = "",
    affected_user=None,
    channel: str = Channel.PORTAL,
    category=None,
    subcategory=None,
    service=None,
    configuration_item=None,
    impact: str = Level.LOW,
    urgency: str = Level.MEDIUM,
    detected_at=None,
    reported_at=None,
    parent=None,
    duplicate_of=None,
) -> Incident:
    """Log an incident: number, priority from the matrix, routing, SLA clocks.

    Staff logging a call or e-mail may give ``reported_at`` (when the caller reported
    it); the SLA clocks start then.
    """
    _check_related_scope(
        actor, affected_user=affected_user, parent=parent, duplicate_of=duplicate_of
    )
    now = timezone.now()
    if reported_at is not None and (not is_agent(actor) or reported_at > now):
        raise ValidationError(
            {"reported_at": "Only IT staff may backdate a report, and never into the future."}
        )
    incident = Incident(
        title=(title or "").strip(),
        description=description or "",
        reporter=actor,
        affected_user=affected_user or actor,
        channel=channel,
        category=category,
        subcategory=subcategory,
        service=service,
        configuration_item=configuration_item,
        impact=impact,
        urgency=urgency,
        detected_at=detected_at,
        parent=parent,
        duplicate_of=duplicate_of,
        reported_at=reported_at or now,
    )
    validate_fields(incident, exclude=["number", "priority"])
    _check_classification(incident)
    incident.priority = compute_priority(impact=impact, urgency=urgency)
    route = subcategory or category
    incident.assignment_group = route.default_group if route else None
    if route and route.default_group is None and subcategory and category:
        incident.assignment_group = category.default_group
    if incident.assignment_group:
        incident.tier = incident.assignment_group.tier
    with transaction.atomic():
        incident.number = allocate_number("INC")
        incident.sla_policy = sla.default_policy()
        sla.refresh(incident, recorded=set())
        record_change(incident, actor, "create")
        incident.save()
        notify_on_commit(incident, "logged")
    return incident


def _lock(incident_id, expected_version: int | None) -> Incident:
    return lock_record(
        Incident,
        incident_id,
        expected_version=expected_version,
        related=("sla_policy__calendar", "assignment_group"),
    )


def incident_update(*, incident_id, actor, changes: dict, expected_version: int | None = None):
    """Edit fields (never status). Employees may edit only the title and description."""
    allowed = STAFF_EDITABLE if is_agent(actor) else EMPLOYEE_EDITABLE
    refused = sorted(set(changes) - allowed)
    if refused:
        raise ValidationError({name: "You may not change this field." for name in refused})
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        if not is_agent(actor) and actor.pk not in (
            incident.reporter_id,
            incident.affected_user_id,
        ):
            raise Refused("not_permitted", "Only IT staff or the incident's requester may edit it.")
        if incident.is_finished:
            raise Refused("record_closed", "A closed incident cannot be edited.")
        _check_related_scope(
            actor,
            affected_user=changes.get("affected_user"),
            parent=changes.get("parent"),
            duplicate_of=changes.get("duplicate_of"),
        )
        changed = [name for name, value in changes.items() if getattr(incident, name) != value]
        if not changed:
            return incident
        for name in changed:
            setattr(incident, name, changes[name])
        validate_fields(incident, exclude=["number"])
        _check_classification(incident)
        fields = set(changed)
        if {"impact", "urgency"} & fields and not incident.priority_overridden:
            fields |= _set_priority(
                incident, compute_priority(impact=incident.impact, urgency=incident.urgency)
            )
        save_record(
            incident, actor=actor, reason="update: " + ", ".join(sorted(changed)), fields=fields
        )
        _announce_priority(incident, fields)
        _announce_major_change(incident, fields)
    return incident


def _announce_priority(incident, fields: set[str]) -> None:
    """A new priority is an event other apps react to (on-call paging), not a message."""
    if "priority" in fields:
        announce_on_commit(incident, "priority_changed", priority=incident.priority)


def _announce_major_change(incident, fields) -> None:
    """What a major incident shows elsewhere (the status page) follows its priority and
    service."""
    if incident.is_major and {"priority", "service"} & set(fields):
        announce_on_commit(incident, "major_changed")


def _set_priority(incident, priority: int) -> set[str]:
    if incident.priority == priority:
        return set()
    incident.priority = priority
    return {"priority", *sla.refresh(incident)}


def incident_override_priority(
    *, incident_id, actor, priority: int | None, reason: str, expected_version: int | None = None
) -> Incident:
    """Set the priority by hand (reason required) or, with ``priority=None``, clear it."""
    if not is_agent(actor):
        raise Refused("not_permitted", "Only IT staff may override the priority.")
    if not (reason or "").strip():
        raise Refused("reason_required", field="reason", action="override the priority")
    if priority is not None and priority not in Priority.values:
        raise ValidationError({"priority": "Choose a priority from P1 to P5."})
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        if priority is None:
            new = compute_priority(impact=incident.impact, urgency=incident.urgency)
        else:
            new = priority
        fields = _set_priority(incident, new)
        incident.priority_overridden = priority is not None
        incident.priority_override_reason = reason.strip() if priority is not None else ""
        save_record(
            incident,
            actor=actor,
            reason=f"priority_override: {reason.strip()}",
            fields=fields | {"priority_overridden", "priority_override_reason"},
        )
        _announce_priority(incident, fields)
        _announce_major_change(incident, fields)
    return incident


def incident_record_response(*, incident_id, actor, at, reason: str) -> Incident:
    """Record the first response from outside the table (an on-call acknowledgement, say).

    Nothing changes when a response is already recorded or the incident is finished.
    """
    with transaction.atomic():
        incident = _lock(incident_id, None)
        if incident.responded_at is not None or incident.is_finished:
            return incident
        incident.responded_at = at
        fields = {"responded_at", *sla.refresh(incident)}
        save_record(incident, actor=actor, reason=reason, fields=fields)
    return incident
