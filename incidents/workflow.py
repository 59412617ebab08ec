"""The incident transition table (ITIL / Atlassian incident process).

new -> assigned -> in progress <-> on hold -> resolved -> closed; cancelled from any open
state. Escalation, confirmation and major-incident handling are transitions too, so
every one of them is checked, locked, audited and notified the same way.

Each row of the table below is the one place a transition is described: who may run it,
its typed input, its guard, how it applies (the ``_apply_*`` functions, which set the
transition's own fields on the locked row and return their names), the notification
event, whether its reason is written for the requester, and what follows it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from incidents import sla
from incidents.choices import OPEN_STATUSES, HoldReason, ResolutionCode, Status
from incidents.sla import INCIDENT_SLA
from itsm.models import Team
from itsm.roles import is_agent, is_service_desk
from itsm.workflow import Input, Transition, TransitionNotAllowed, Workflow

OPEN = frozenset(OPEN_STATUSES)
WORKING = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})
STAFF_ONLY = frozenset({"portal", "admin_bulk"})
ONE_AT_A_TIME = frozenset({"admin_bulk"})


def agent(user, incident) -> bool:
    return is_agent(user)


def service_desk(user, incident) -> bool:
    return is_service_desk(user)


def requester(user, incident) -> bool:
    return user.pk in (incident.reporter_id, incident.affected_user_id)


# --- Guards: check the record and the input, raise to refuse -------------------------------


def _need_hold_reason(incident, params):
    if params.get("hold_reason") not in HoldReason.values:
        raise TransitionNotAllowed(
            "hold_reason_required", field="hold_reason", choices=", ".join(HoldReason.values)
        )


def _need_resolution(incident, params):
    if params.get("resolution_code") not in ResolutionCode.values:
        raise TransitionNotAllowed("resolution_code_required", field="resolution_code")
    if not str(params.get("resolution_notes") or "").strip():
        raise TransitionNotAllowed("resolution_notes_required", field="resolution_notes")


def _need_assignee(incident, params):
    if incident.assignee_id is None:
        raise TransitionNotAllowed("assignee_required")


def _need_escalation_target(incident, params):
    group = incident.assignment_group
    if group is None or group.escalates_to_id is None:
        raise TransitionNotAllowed("no_escalation_target")


def _need_group_manager(incident, params):
    if incident.assignment_group is None or incident.assignment_group.manager_id is None:
        raise TransitionNotAllowed("no_group_manager")


def _confirmed_or_window_passed(incident, params):
    if incident.confirmed_at is not None:
        return
    window = settings.INCIDENT_CONFIRMATION_WINDOW
    if incident.resolved_at and timezone.now() - incident.resolved_at >= window:
        return
    raise TransitionNotAllowed("confirmation_pending", days=window.days)


def _not_yet_confirmed(incident, params):
    if incident.confirmed_at is not None:
        raise TransitionNotAllowed("already_confirmed")


def _not_major(incident, params):
    if incident.is_major:
        raise TransitionNotAllowed("already_major")


def _is_major(incident, params):
    if not incident.is_major:
        raise TransitionNotAllowed("not_major")


# --- Apply: set the transition's own fields on the locked row ------------------------------


def _user(value, field: str):
    if value is None or hasattr(value, "pk"):
        return value
    found = get_user_model().objects.filter(pk=value, is_active=True).first()
    if found is None:
        raise TransitionNotAllowed(
            "invalid_input", "No active user with that id.", status=400, field=field
        )
    return found


def _team(value):
    if value is None or isinstance(value, Team):
        return value
    found = Team.objects.filter(pk=value, is_active=True).first()
    if found is None:
        raise TransitionNotAllowed(
            "invalid_input", "No active assignment group with that id.", field="group"
        )
    return found


def _is_member(group, user) -> bool:
    """Whether ``user`` is in ``group``: from its members when they were prefetched."""
    members = getattr(group, "_prefetched_objects_cache", {}).get("members")
    if members is not None:
        return any(member.pk == user.pk for member in members)
    return group.members.filter(pk=user.pk).exists()


def _apply_assign(incident, params):
    group = _team(params.get("group")) or incident.assignment_group
    assignee = _user(params.get("assignee"), "assignee")
    if group is None and assignee is None:
        raise TransitionNotAllowed(
            "invalid_input", "Choose an assignment group or a person.", field="group"
        )
    if assignee is not None:
        if group is None:
            raise TransitionNotAllowed(
                "invalid_input", "Choose the assignee's group.", field="group"
            )
        if not _is_member(group, assignee):
            raise TransitionNotAllowed(
                "assignee_not_in_group", field="assignee", user=assignee.get_username(), group=group
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
    if INCIDENT_SLA.end_pause(incident, now) is None:
        return []
    return sla.refresh(incident)


def _apply_hold(incident, params):
    incident.hold_reason = params["hold_reason"]
    fields = ["hold_reason"]
    if sla.pauses_clock(incident.sla_policy, Status.ON_HOLD, incident.hold_reason):
        INCIDENT_SLA.pause(
            incident,
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
    INCIDENT_SLA.pause(
        incident, reason=Status.RESOLVED, started_at=incident.resolved_at, ended_at=now
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
    incident.commander = _user(params.get("commander"), "commander") or params["actor"]
    incident.communications_lead = _user(params.get("communications_lead"), "communications_lead")
    return ["is_major", "commander", "communications_lead"]


def _apply_stand_down_major(incident, params):
    incident.is_major = False
    return ["is_major"]


# --- What follows ---------------------------------------------------------------------------


def _resolve_children(parent, actor) -> None:
    """Resolving a parent resolves its open children with the parent's resolution."""
    from incidents.services import incident_transition

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


# --- The table ------------------------------------------------------------------------------

AGENTS = "IT staff (service desk or resolvers)"
SERVICE_DESK = "the service desk"
REQUESTER = "the reporter or the affected user"

WORKFLOW = Workflow(
    states=Status,
    terminal=frozenset({Status.CLOSED, Status.CANCELLED}),
    transitions=[
        Transition(
            "assign",
            OPEN - {Status.ON_HOLD},
            Status.ASSIGNED,
            "Assign",
            agent,
            AGENTS,
            inputs=(
                Input("group", "team", "Assignment group"),
                Input("assignee", "user", "Assignee", help_text="A member of the group."),
            ),
            apply=_apply_assign,
            event="assigned",
        ),
        Transition(
            "start",
            frozenset({Status.ASSIGNED}),
            Status.IN_PROGRESS,
            "Start work",
            agent,
            AGENTS,
            guard=_need_assignee,
            not_in=ONE_AT_A_TIME,
        ),
        Transition(
            "hold",
            frozenset({Status.IN_PROGRESS}),
            Status.ON_HOLD,
            "Put on hold",
            agent,
            AGENTS,
            guard=_need_hold_reason,
            inputs=(Input("hold_reason", "choice", "Why", required=True, choices=HoldReason),),
            apply=_apply_hold,
            not_in=ONE_AT_A_TIME,
        ),
        Transition(
            "resume",
            frozenset({Status.ON_HOLD}),
            Status.IN_PROGRESS,
            "Resume",
            agent,
            AGENTS,
            apply=_apply_resume,
            not_in=ONE_AT_A_TIME,
        ),
        Transition(
            "escalate",
            WORKING,
            Status.ASSIGNED,
            "Escalate to the next tier",
            agent,
            AGENTS,
            guard=_need_escalation_target,
            apply=_apply_escalate,
            event="assigned",
        ),
        Transition(
            "escalate_to_manager",
            OPEN,
            None,
            "Escalate to the group manager",
            agent,
            AGENTS,
            guard=_need_group_manager,
            event="escalated_to_manager",
            not_in=STAFF_ONLY,
        ),
        Transition(
            "resolve",
            OPEN,
            Status.RESOLVED,
            "Resolve",
            agent,
            AGENTS,
            guard=_need_resolution,
            inputs=(
                Input(
                    "resolution_code",
                    "choice",
                    "Resolution code",
                    required=True,
                    choices=ResolutionCode,
                    system_choices=frozenset(
                        {ResolutionCode.RESOLVED_BY_PARENT, ResolutionCode.SOLVED_BY_PROBLEM}
                    ),
                ),
                Input("resolution_notes", "longtext", "Resolution notes", required=True),
            ),
            apply=_apply_resolve,
            event="resolved",
            after=_resolve_children,
        ),
        Transition(
            "confirm",
            frozenset({Status.RESOLVED}),
            None,
            "Confirm the resolution",
            requester,
            REQUESTER,
            guard=_not_yet_confirmed,
            apply=_apply_confirm,
            not_in=ONE_AT_A_TIME,
        ),
        Transition(
            "reject",
            frozenset({Status.RESOLVED}),
            Status.IN_PROGRESS,
            "Reject the resolution",
            requester,
            REQUESTER,
            # A confirmed resolution stays confirmed: rejecting it would reopen an
            # incident the requester already accepted.
            guard=_not_yet_confirmed,
            needs_reason=True,
            apply=_apply_reject,
            public_reason=True,
            announce="reopened",
            not_in=ONE_AT_A_TIME,
        ),
        Transition(
            "close",
            frozenset({Status.RESOLVED}),
            Status.CLOSED,
            "Close",
            service_desk,
            SERVICE_DESK,
            guard=_confirmed_or_window_passed,
            apply=_apply_close,
            public_reason=True,
            not_in=ONE_AT_A_TIME,
        ),
        Transition(
            "cancel",
            OPEN,
            Status.CANCELLED,
            "Cancel",
            service_desk,
            SERVICE_DESK,
            needs_reason=True,
            apply=_apply_cancel,
            public_reason=True,
            announce="cancelled",
            not_in=STAFF_ONLY,
        ),
        Transition(
            "declare_major",
            OPEN,
            None,
            "Declare a major incident",
            agent,
            AGENTS,
            guard=_not_major,
            inputs=(
                Input("commander", "user", "Incident commander", help_text="Defaults to you."),
                Input("communications_lead", "user", "Communications lead"),
            ),
            apply=_apply_declare_major,
            event="major_declared",
            not_in=STAFF_ONLY,
        ),
        Transition(
            "stand_down_major",
            OPEN | {Status.RESOLVED},
            None,
            "Stand down the major incident",
            agent,
            AGENTS,
            guard=_is_major,
            apply=_apply_stand_down_major,
            announce="major_stood_down",
            not_in=STAFF_ONLY,
        ),
    ],
)
