"""Every write to incidents. Interfaces (admin, API, portal, tasks) call only these."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from incidents import notifications, sla
from incidents.choices import (
    OPEN_STATUSES,
    Channel,
    ResolutionCode,
    SlaClock,
    SlaEventKind,
    Status,
)
from incidents.models import Incident, IncidentAttachment, IncidentComment, SlaEvent, SlaPause
from incidents.workflow import WORKFLOW
from itsm.attachments import validate_upload
from itsm.audit import record_change, system_user
from itsm.choices import Level, Priority, RecordKind
from itsm.models import Team
from itsm.numbering import allocate_number
from itsm.priority import compute_priority
from itsm.roles import is_agent
from itsm.workflow import TransitionNotAllowed, run_transition

logger = logging.getLogger(__name__)

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
    incident.full_clean(exclude=["number", "priority", "reporter", "affected_user"])
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
        notifications.on_commit(incident, "logged")
    return incident


def _lock(incident_id, expected_version: int | None) -> Incident:
    incident = (
        Incident.objects.select_for_update()
        .select_related("sla_policy__calendar", "assignment_group")
        .get(pk=incident_id)
    )
    if expected_version is not None and incident.version != expected_version:
        raise TransitionNotAllowed(
            "stale_version", "This incident was changed by someone else; reload it and try again."
        )
    return incident


def incident_update(*, incident_id, actor, changes: dict, expected_version: int | None = None):
    """Edit fields (never status). Employees may edit only the title and description."""
    allowed = STAFF_EDITABLE if is_agent(actor) else EMPLOYEE_EDITABLE
    refused = sorted(set(changes) - allowed)
    if refused:
        raise ValidationError({name: "You may not change this field." for name in refused})
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        if not incident.is_open and incident.status != Status.RESOLVED:
            raise TransitionNotAllowed("incident_closed", "A closed incident cannot be edited.")
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
        incident.full_clean(exclude=["number"])
        _check_classification(incident)
        fields = set(changed)
        if {"impact", "urgency"} & fields and not incident.priority_overridden:
            fields |= _set_priority(
                incident, compute_priority(impact=incident.impact, urgency=incident.urgency)
            )
        incident.version += 1
        record_change(incident, actor, "update: " + ", ".join(sorted(changed)))
        incident.save(update_fields=sorted(fields | {"version", "updated_at"}))
    return incident


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
        raise TransitionNotAllowed(
            "not_permitted", "Only IT staff may override the priority.", status=403
        )
    if not (reason or "").strip():
        raise TransitionNotAllowed(
            "reason_required",
            "A reason is required to override the priority.",
            status=400,
            field="reason",
        )
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
        incident.version += 1
        record_change(incident, actor, f"priority_override: {reason.strip()}")
        incident.save(
            update_fields=sorted(
                fields
                | {"priority_overridden", "priority_override_reason", "version", "updated_at"}
            )
        )
    return incident


# --- Transitions -------------------------------------------------------------------------
# Each apply function sets the transition's own fields on the locked row and returns
# their names; run_transition does the locking, checking, saving and history.


def _user(value):
    if value is None or hasattr(value, "pk"):
        return value
    return get_user_model().objects.filter(pk=value, is_active=True).first() or _missing(
        "assignee", "No active user with that id."
    )


def _team(value):
    if value is None or isinstance(value, Team):
        return value
    return Team.objects.filter(pk=value, is_active=True).first() or _missing(
        "group", "No active assignment group with that id."
    )


def _missing(field: str, message: str):
    raise TransitionNotAllowed("invalid_input", message, status=400, field=field)


def _apply_assign(incident, params):
    group = _team(params.get("group")) or incident.assignment_group
    assignee = _user(params.get("assignee"))
    if group is None and assignee is None:
        _missing("group", "Choose an assignment group or a person.")
    if assignee is not None:
        if group is None:
            _missing("group", "Choose the assignee's group.")
        if not group.members.filter(pk=assignee.pk).exists():
            raise TransitionNotAllowed(
                "assignee_not_in_group",
                f"{assignee.get_username()} is not a member of {group}.",
                status=400,
                field="assignee",
            )
    fields = {"assignment_group", "assignee", "tier"}
    moved = group.pk != incident.assignment_group_id or (
        assignee is not None and incident.assignee_id not in (None, assignee.pk)
    )
    if moved and (incident.assignment_group_id or incident.assignee_id):
        incident.reassignment_count += 1
        fields.add("reassignment_count")
    if group.pk != incident.assignment_group_id and assignee is None:
        incident.assignee = None
    incident.assignment_group = group
    if assignee is not None:
        incident.assignee = assignee
    incident.tier = group.tier
    if incident.assignee_id and incident.responded_at is None:
        incident.responded_at = timezone.now()
        fields |= {"responded_at", *sla.refresh(incident)}
    return fields


def _close_open_pause(incident, now) -> list[str]:
    pause = incident.sla_pauses.filter(ended_at__isnull=True).first()
    if pause is None:
        return []
    pause.ended_at = now
    pause.save(update_fields=["ended_at"])
    return sla.refresh(incident)


def _apply_hold(incident, params):
    incident.hold_reason = params["hold_reason"]
    fields = ["hold_reason"]
    if sla.pauses_clock(incident.sla_policy, Status.ON_HOLD, incident.hold_reason):
        SlaPause.objects.create(
            incident=incident,
            reason=sla.pause_code(Status.ON_HOLD, incident.hold_reason),
            started_at=timezone.now(),
        )
        fields += sla.refresh(incident)
    return fields


def _apply_resume(incident, params):
    incident.hold_reason = ""
    return ["hold_reason", *_close_open_pause(incident, timezone.now())]


def _apply_escalate(incident, params):
    target = incident.assignment_group.escalates_to
    incident.assignment_group = target
    incident.assignee = None
    incident.tier = target.tier
    incident.reassignment_count += 1
    return ["assignment_group", "assignee", "tier", "reassignment_count"]


def _apply_resolve(incident, params):
    now = timezone.now()
    incident.resolution_code = params["resolution_code"]
    incident.resolution_notes = params["resolution_notes"].strip()
    incident.resolved_at = now
    incident.resolved_by = params["actor"]
    incident.confirmed_at = None
    fields = ["resolution_code", "resolution_notes", "resolved_at", "resolved_by", "confirmed_at"]
    if incident.responded_at is None:
        # Resolving on first contact is the response too.
        incident.responded_at = now
        fields.append("responded_at")
    if incident.hold_reason:
        incident.hold_reason = ""
        fields += ["hold_reason", *_close_open_pause(incident, now)]
    return fields + sla.refresh(incident)


def _apply_confirm(incident, params):
    incident.confirmed_at = timezone.now()
    return ["confirmed_at"]


def _apply_reject(incident, params):
    now = timezone.now()
    # The time spent resolved does not count against the resolution target.
    SlaPause.objects.create(
        incident=incident, reason=Status.RESOLVED, started_at=incident.resolved_at, ended_at=now
    )
    incident.reopen_count += 1
    incident.resolved_at = None
    incident.resolved_by = None
    incident.resolution_code = ""
    incident.resolution_notes = ""
    fields = ["reopen_count", "resolved_at", "resolved_by", "resolution_code", "resolution_notes"]
    return fields + sla.refresh(incident)


def _apply_close(incident, params):
    incident.closed_at = timezone.now()
    incident.closed_by = params["actor"]
    return ["closed_at", "closed_by"]


def _apply_cancel(incident, params):
    now = timezone.now()
    incident.closed_at = now
    incident.closed_by = params["actor"]
    fields = ["closed_at", "closed_by"]
    if incident.hold_reason:
        incident.hold_reason = ""
        fields += ["hold_reason", *_close_open_pause(incident, now)]
    return fields + sla.refresh(incident)


def _apply_declare_major(incident, params):
    incident.is_major = True
    incident.commander = _user(params.get("commander")) or params["actor"]
    incident.communications_lead = _user(params.get("communications_lead"))
    return ["is_major", "commander", "communications_lead"]


def _apply_stand_down_major(incident, params):
    incident.is_major = False
    return ["is_major"]


APPLY = {
    "assign": _apply_assign,
    "hold": _apply_hold,
    "resume": _apply_resume,
    "escalate": _apply_escalate,
    "resolve": _apply_resolve,
    "confirm": _apply_confirm,
    "reject": _apply_reject,
    "close": _apply_close,
    "cancel": _apply_cancel,
    "declare_major": _apply_declare_major,
    "stand_down_major": _apply_stand_down_major,
}


def incident_transition(
    *, incident_id, name: str, actor, expected_version: int | None = None, **params
) -> Incident:
    """Run the named transition from the table in ``incidents.workflow``.

    This is the only way an incident's status changes: the admin buttons and actions, the
    API endpoints, the portal buttons and the Celery jobs all come through here.
    """
    params["actor"] = actor
    with transaction.atomic():
        incident = run_transition(
            WORKFLOW,
            model=Incident,
            pk=incident_id,
            name=name,
            actor=actor,
            params=params,
            apply=APPLY.get(name),
            effects=[notifications.effect(name)],
            expected_version=expected_version,
        )
        if name == "resolve":
            _resolve_children(incident, actor)
    return incident


def _resolve_children(parent, actor) -> None:
    """Resolving a parent resolves its open children with the parent's resolution."""
    open_children = parent.children.filter(status__in=OPEN_STATUSES)
    for child_id in open_children.values_list("pk", flat=True):
        incident_transition(
            incident_id=child_id,
            name="resolve",
            actor=actor,
            resolution_code=ResolutionCode.RESOLVED_BY_PARENT,
            resolution_notes=f"Resolved with {parent.number}: {parent.resolution_notes}",
            reason=f"resolved with parent {parent.number}",
        )


# --- Comments, attachments, watchers ---------------------------------------------------


def _check_can_contribute(incident) -> None:
    if incident.status in (Status.CLOSED, Status.CANCELLED):
        raise TransitionNotAllowed(
            "incident_closed", f"{incident.number} is {incident.get_status_display().lower()}."
        )


def incident_comment_add(
    *, incident_id, actor, body: str, visibility: str = IncidentComment.Visibility.PUBLIC
) -> IncidentComment:
    """Add a public comment or (staff only) an internal work note.

    The first public comment from staff meets the response target.
    """
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment first."})
    if visibility not in IncidentComment.Visibility.values:
        raise ValidationError({"visibility": "Choose public or internal."})
    staff = is_agent(actor)
    if visibility == IncidentComment.Visibility.INTERNAL and not staff:
        raise TransitionNotAllowed(
            "internal_notes_staff_only", "Only IT staff can write work notes.", status=403
        )
    with transaction.atomic():
        incident = _lock(incident_id, None)
        _check_can_contribute(incident)
        comment = IncidentComment(incident=incident, author=actor, body=body, visibility=visibility)
        comment.full_clean()
        record_change(comment, actor, "comment")
        comment.save()
        if staff and comment.is_public and incident.responded_at is None:
            incident.responded_at = comment.created_at
            fields = ["responded_at", *sla.refresh(incident)]
            record_change(incident, actor, "responded: first public comment")
            incident.save(update_fields=fields)
        if comment.is_public:
            notifications.on_commit(incident, "commented", comment_id=comment.pk)
    return comment


def incident_attachment_add(*, incident_id, actor, upload) -> IncidentAttachment:
    """Attach a file after checking its size and type; the stored name is random."""
    name = validate_upload(upload)
    with transaction.atomic():
        incident = _lock(incident_id, None)
        _check_can_contribute(incident)
        attachment = IncidentAttachment(
            incident=incident,
            file=upload,
            original_name=name,
            size=upload.size,
            uploaded_by=actor,
        )
        record_change(attachment, actor, "attach")
        attachment.save()
    return attachment


def incident_watch(*, incident_id, actor, watching: bool = True) -> Incident:
    """Follow or unfollow an incident (the actor must already be able to see it)."""
    with transaction.atomic():
        incident = _lock(incident_id, None)
        if watching:
            incident.watchers.add(actor)
        else:
            incident.watchers.remove(actor)
    return incident


# --- SLA and housekeeping jobs ------------------------------------------------------------

ESCALATE_ON_BREACH = frozenset({Priority.P1, Priority.P2})


def incident_sla_record_due(*, incident_id, now=None) -> list[tuple[str, str]]:
    """Record every SLA threshold the incident has crossed by ``now``, once each.

    Returns the (clock, kind) events recorded by this call; a second call records none.
    A resolution breach on a P1/P2 escalates to the group manager.
    """
    now = now or timezone.now()
    actor = system_user()
    with transaction.atomic():
        incident = (
            Incident.objects.select_for_update()
            .select_related("sla_policy__calendar", "assignment_group")
            .get(pk=incident_id)
        )
        recorded = {(e.clock, e.kind) for e in incident.sla_events.all()}
        new_events = []
        for clock, state in sla.clocks(incident, now=now).items():
            for kind, fraction in sla.THRESHOLDS.items():
                if (clock, kind) in recorded or state.percent < fraction * 100:
                    continue
                crossed = sla.threshold_moment(incident, clock, fraction) or now
                event = SlaEvent(incident=incident, clock=clock, kind=kind, occurred_at=crossed)
                record_change(event, actor, f"sla_{kind}: {clock}")
                event.save()
                recorded.add((clock, kind))
                new_events.append((clock, kind))
        fields = sla.refresh(incident, recorded=recorded)
        if new_events or fields:
            reasons = ", ".join(f"{kind} {clock}" for clock, kind in new_events) or "reschedule"
            record_change(incident, actor, f"sla: {reasons}")
            incident.save(update_fields=fields or ["sla_next_check_at"])
        for clock, kind in new_events:
            notifications.on_commit(incident, f"sla_{kind}", clock=clock)
    breached_resolution = (SlaClock.RESOLUTION, SlaEventKind.BREACH) in new_events
    if breached_resolution and incident.priority in ESCALATE_ON_BREACH:
        _escalate_on_breach(incident, actor)
    return new_events


def _escalate_on_breach(incident, actor) -> None:
    try:
        incident_transition(
            incident_id=incident.pk,
            name="escalate_to_manager",
            actor=actor,
            reason="resolution SLA breached",
        )
    except TransitionNotAllowed as refused:
        # No group or manager to escalate to: the breach itself is recorded and notified.
        logger.warning("SLA breach escalation skipped for %s: %s", incident.number, refused.code)


def incident_auto_close_due(*, now=None) -> list[str]:
    """Close resolved incidents whose confirmation window has passed (the nightly job)."""
    now = now or timezone.now()
    cutoff = now - settings.INCIDENT_CONFIRMATION_WINDOW
    actor = system_user()
    due = Incident.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
    closed = []
    for pk, number in due.values_list("pk", "number"):
        try:
            incident_transition(
                incident_id=pk, name="close", actor=actor, reason="confirmation window passed"
            )
        except TransitionNotAllowed:
            continue  # changed since we listed it (reopened or already closed)
        closed.append(number)
    return closed
