"""The incident transition table (ITIL / Atlassian incident process).

new -> assigned -> in progress <-> on hold -> resolved -> closed; cancelled from any open
state. Escalation, confirmation and major-incident handling are transitions too, so
every one of them is checked, locked, audited and notified the same way.
"""

from django.conf import settings
from django.utils import timezone

from incidents.choices import OPEN_STATUSES, HoldReason, ResolutionCode, Status
from itsm.roles import is_agent, is_service_desk
from itsm.workflow import Transition, TransitionNotAllowed, Workflow

OPEN = frozenset(OPEN_STATUSES)
WORKING = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})


def agent(user, incident) -> bool:
    return is_agent(user)


def service_desk(user, incident) -> bool:
    return is_service_desk(user)


def requester(user, incident) -> bool:
    return user.pk in (incident.reporter_id, incident.affected_user_id)


def _need_hold_reason(incident, params):
    if params.get("hold_reason") not in HoldReason.values:
        raise TransitionNotAllowed(
            "hold_reason_required",
            f"Choose why the incident is on hold: {', '.join(HoldReason.values)}.",
            status=400,
            field="hold_reason",
        )


def _need_resolution(incident, params):
    if params.get("resolution_code") not in ResolutionCode.values:
        raise TransitionNotAllowed(
            "resolution_code_required",
            "A resolution code is required to resolve an incident.",
            status=400,
            field="resolution_code",
        )
    if not str(params.get("resolution_notes") or "").strip():
        raise TransitionNotAllowed(
            "resolution_notes_required",
            "Resolution notes are required to resolve an incident.",
            status=400,
            field="resolution_notes",
        )


def _need_assignee(incident, params):
    if incident.assignee_id is None:
        raise TransitionNotAllowed(
            "assignee_required", "Assign the incident to a person before starting work."
        )


def _need_escalation_target(incident, params):
    group = incident.assignment_group
    if group is None or group.escalates_to_id is None:
        raise TransitionNotAllowed(
            "no_escalation_target",
            "The incident's group has no next tier to escalate to.",
        )


def _need_group_manager(incident, params):
    if incident.assignment_group is None or incident.assignment_group.manager_id is None:
        raise TransitionNotAllowed(
            "no_group_manager", "The incident's group has no manager to escalate to."
        )


def _confirmed_or_window_passed(incident, params):
    if incident.confirmed_at is not None:
        return
    window = settings.INCIDENT_CONFIRMATION_WINDOW
    if incident.resolved_at and timezone.now() - incident.resolved_at >= window:
        return
    raise TransitionNotAllowed(
        "confirmation_pending",
        f"The reporter has not confirmed the resolution and the {window.days}-day "
        "confirmation window has not passed.",
    )


def _not_yet_confirmed(incident, params):
    if incident.confirmed_at is not None:
        raise TransitionNotAllowed("already_confirmed", "The resolution is already confirmed.")


def _not_major(incident, params):
    if incident.is_major:
        raise TransitionNotAllowed("already_major", "This is already a major incident.")


def _is_major(incident, params):
    if not incident.is_major:
        raise TransitionNotAllowed("not_major", "This is not a major incident.")


AGENTS = "IT staff (service desk or resolvers)"
SERVICE_DESK = "the service desk"
REQUESTER = "the reporter or the affected user"

WORKFLOW = Workflow(
    states=Status,
    terminal=frozenset({Status.CLOSED, Status.CANCELLED}),
    transitions=[
        Transition("assign", OPEN - {Status.ON_HOLD}, Status.ASSIGNED, "Assign", agent, AGENTS),
        Transition(
            "start",
            frozenset({Status.ASSIGNED}),
            Status.IN_PROGRESS,
            "Start work",
            agent,
            AGENTS,
            guard=_need_assignee,
        ),
        Transition(
            "hold",
            frozenset({Status.IN_PROGRESS}),
            Status.ON_HOLD,
            "Put on hold",
            agent,
            AGENTS,
            guard=_need_hold_reason,
        ),
        Transition(
            "resume", frozenset({Status.ON_HOLD}), Status.IN_PROGRESS, "Resume", agent, AGENTS
        ),
        Transition(
            "escalate",
            WORKING,
            Status.ASSIGNED,
            "Escalate to the next tier",
            agent,
            AGENTS,
            guard=_need_escalation_target,
        ),
        Transition(
            "escalate_to_manager",
            OPEN,
            None,
            "Escalate to the group manager",
            agent,
            AGENTS,
            guard=_need_group_manager,
        ),
        Transition(
            "resolve",
            OPEN,
            Status.RESOLVED,
            "Resolve",
            agent,
            AGENTS,
            guard=_need_resolution,
        ),
        Transition(
            "confirm",
            frozenset({Status.RESOLVED}),
            None,
            "Confirm the resolution",
            requester,
            REQUESTER,
            guard=_not_yet_confirmed,
        ),
        Transition(
            "reject",
            frozenset({Status.RESOLVED}),
            Status.IN_PROGRESS,
            "Reject the resolution",
            requester,
            REQUESTER,
            needs_reason=True,
        ),
        Transition(
            "close",
            frozenset({Status.RESOLVED}),
            Status.CLOSED,
            "Close",
            service_desk,
            SERVICE_DESK,
            guard=_confirmed_or_window_passed,
        ),
        Transition(
            "cancel",
            OPEN,
            Status.CANCELLED,
            "Cancel",
            service_desk,
            SERVICE_DESK,
            needs_reason=True,
        ),
        Transition(
            "declare_major",
            OPEN,
            None,
            "Declare a major incident",
            agent,
            AGENTS,
            guard=_not_major,
        ),
        Transition(
            "stand_down_major",
            OPEN | {Status.RESOLVED},
            None,
            "Stand down the major incident",
            agent,
            AGENTS,
            guard=_is_major,
        ),
    ],
)
