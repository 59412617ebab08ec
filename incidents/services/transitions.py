"""Status changes: the transition table in incidents.workflow, applied."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from incidents import notifications, sla
from incidents.choices import (
    OPEN_STATUSES,
    ResolutionCode,
    Status,
)
from incidents.models import Incident, SlaPause
from incidents.workflow import WORKFLOW
from itsm.models import Team
from itsm.workflow import TransitionNotAllowed, run_transition

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
