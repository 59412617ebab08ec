"""The change transition table: one table for the three paths, keyed by ``change_type``.

- standard (from an approved template version): draft -> scheduled -> implementing ->
  review -> closed; cancelled;
- normal: draft -> assessment -> authorisation (the CAB policy chosen by risk) ->
  scheduled -> implementing -> review -> closed; rejected; cancelled;
- emergency: draft -> emergency authorisation (one of the emergency CAB) -> implementing
  -> review -> closed. When nobody answers in time the change manager may let it be
  implemented with a justification; it then waits for a retrospective approval.

A draft's type is settled by the transition that submits it: ``schedule_standard`` needs
a standard change made from an approved template version; ``submit`` sends any draft
that is not an emergency to assessment as a normal change (a standard draft whose
template does not fit); ``submit_emergency`` makes any draft an emergency, with a reason.

``approve`` and ``reject`` record a decision through the approvals engine (separation of
duties: the requester and the implementer may not approve; the refusal names the rule).
When the decision ends the track, the move it calls for (``authorise``,
``authorise_emergency`` or ``decline``) runs in the same transaction, as the system
(``itsm.approvals.SignOff``): a move the table refuses then waits for the change manager.
The scheduling transitions check freeze windows and collisions; scheduling into a
collision needs an acknowledgement with a reason.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from changes import approval
from changes.choices import (
    UNSUCCESSFUL,
    ChangeType,
    ClosureCode,
    Status,
    VersionStatus,
)
from changes.schedule import change_collisions, change_freezes
from itsm import approvals
from itsm.models import ApprovalTrack
from itsm.roles import CHANGE_MANAGER, has_role, role_allows
from itsm.workflow import Input, Transition, TransitionNotAllowed, Workflow

NOT_IN_PORTAL = frozenset({"portal"})
ONE_AT_A_TIME = frozenset({"portal", "admin_bulk"})
DECIDING = frozenset(
    {Status.AUTHORISATION, Status.EMERGENCY_AUTHORISATION, Status.IMPLEMENTING, Status.REVIEW}
)


def change_staff(user, change) -> bool:
    """The service desk, change managers and CAB members log and work changes."""
    return role_allows(user, "changes", "add")


def change_manager(user, change) -> bool:
    return has_role(user, CHANGE_MANAGER)


# --- Guards ---------------------------------------------------------------------------------


def _of_type(expected: str, action: str):
    def guard(change, params):
        if change.change_type != expected:
            raise TransitionNotAllowed("change_wrong_type", action=action, expected=expected)

    return guard


def _need_plans(change, action: str) -> None:
    if not change.implementation_plan.strip() or not change.backout_plan.strip():
        raise TransitionNotAllowed("change_plans_required", field="backout_plan", action=action)


def _check_window(change, params, action: str, *, emergency: bool = False) -> None:
    """Window set, no freeze (emergencies override it with the acknowledgement), and
    collisions acknowledged with a reason."""
    if change.planned_start is None or change.planned_end is None:
        raise TransitionNotAllowed("change_window_required", field="planned_start", action=action)
    acknowledged = str(params.get("acknowledgement") or "").strip()
    freeze = change_freezes(change).first()
    if freeze is not None and not (emergency and acknowledged):
        raise TransitionNotAllowed("change_in_freeze", window=freeze.name)
    found = change_collisions(change)
    if found and not acknowledged:
        numbers = ", ".join(c["change"] for c in found)
        raise TransitionNotAllowed(
            "change_conflicts_unacknowledged", field="acknowledgement", conflicts=numbers
        )


def _schedule_standard_guard(change, params):
    _of_type(ChangeType.STANDARD, "Scheduling a pre-approved change")(change, params)
    version = change.template_version
    if version is None or version.status != VersionStatus.APPROVED:
        raise TransitionNotAllowed("change_template_not_approved", version=str(version))
    _check_window(change, params, "scheduling")


def _submit_guard(change, params):
    if change.change_type == ChangeType.EMERGENCY:
        raise TransitionNotAllowed(
            "change_wrong_type", action="Submitting for assessment", expected="normal"
        )
    _need_plans(change, "submitting")


def _request_authorisation_guard(change, params):
    _need_plans(change, "requesting authorisation")
    _check_window(change, params, "requesting authorisation")


def _submit_emergency_guard(change, params):
    _need_plans(change, "requesting emergency authorisation")
    _check_window(change, params, "requesting emergency authorisation", emergency=True)


def _close_guard(change, params):
    code = params.get("closure_code")
    if code not in ClosureCode.values:
        raise TransitionNotAllowed("change_closure_code_required", field="closure_code")
    notes = str(params.get("review_notes") or change.review_notes or "").strip()
    if code in UNSUCCESSFUL and not notes:
        raise TransitionNotAllowed("change_review_notes_required", field="review_notes")


# --- Apply and after ------------------------------------------------------------------------


def _record_window_checks(change, params) -> list[str]:
    acknowledged = str(params.get("acknowledgement") or "").strip()
    change.conflicts = change_collisions(change)
    change.conflict_acknowledgement = acknowledged if change.conflicts else ""
    fields = ["conflicts", "conflict_acknowledgement"]
    if change.change_type == ChangeType.EMERGENCY and change_freezes(change).exists():
        change.freeze_override_reason = acknowledged
        fields.append("freeze_override_reason")
    return fields


def _apply_submit(change, params):
    change.change_type = ChangeType.NORMAL
    return ["change_type"]


def _apply_submit_emergency(change, params):
    change.change_type = ChangeType.EMERGENCY
    if not change.justification.strip():
        change.justification = str(params.get("reason") or "").strip()
    return ["change_type", "justification", *_record_window_checks(change, params)]


def _open_by_risk(change, actor):
    approvals.open_track(change, approvals.policy_for(type(change), change.risk), actor=actor)


def _open_emergency(change, actor):
    approvals.open_track(
        change, approvals.policy_for(type(change), approval.EMERGENCY), actor=actor
    )


def _retrospective(change, track) -> list[str]:
    if track.state == ApprovalTrack.State.APPROVED and change.retrospective_due_at:
        change.retrospective_approved_at = timezone.now()
        return ["retrospective_approved_at"]
    return []


# What follows an ended approval track, by the state the change waits in (a change
# implemented before approval stays where it is: the decision only signs it off).
MOVES = {
    (Status.AUTHORISATION, ApprovalTrack.State.APPROVED): "authorise",
    (Status.EMERGENCY_AUTHORISATION, ApprovalTrack.State.APPROVED): "authorise_emergency",
    (Status.AUTHORISATION, ApprovalTrack.State.REJECTED): "decline",
    (Status.EMERGENCY_AUTHORISATION, ApprovalTrack.State.REJECTED): "decline",
}

SIGN_OFF = approvals.SignOff(
    workflow=lambda: WORKFLOW,
    conflicts=approval.separation_of_duties,
    on_approved=lambda change: MOVES.get((change.status, ApprovalTrack.State.APPROVED)),
    on_rejected=lambda change: MOVES.get((change.status, ApprovalTrack.State.REJECTED)),
    step_opened="approval_requested",
    decided=_retrospective,
)


def _apply_without_approval(change, params):
    change.emergency_justification = str(params.get("reason") or "").strip()
    change.retrospective_due_at = timezone.now() + timedelta(
        hours=settings.CHANGE_RETROSPECTIVE_HOURS
    )
    change.actual_start = timezone.now()
    return ["emergency_justification", "retrospective_due_at", "actual_start"]


def _after_without_approval(change, actor):
    # The emergency CAB still signs it off, afterwards.
    _open_emergency(change, actor)


def _apply_start(change, params):
    change.actual_start = change.actual_start or timezone.now()
    return ["actual_start"]


def _apply_complete(change, params):
    change.actual_end = timezone.now()
    return ["actual_end"]


def _apply_close(change, params):
    change.closure_code = params["closure_code"]
    notes = str(params.get("review_notes") or "").strip()
    if notes:
        change.review_notes = notes
    change.closed_at = timezone.now()
    return ["closure_code", "review_notes", "closed_at"]


def _after_close(change, actor):
    from changes.services.problems import resolve_fixed_problem

    resolve_fixed_problem(change, actor=actor)


def _void(reason: str):
    def after(change, actor):
        approvals.void_track(change, actor=actor, reason=reason)

    return after


def _apply_finish(change, params):
    change.closed_at = timezone.now()
    return ["closed_at"]


# --- The table ------------------------------------------------------------------------------

STAFF = "the service desk, change managers and CAB members"
MANAGERS = "change managers"
APPROVERS = "the approvers the waiting step names"
ACKNOWLEDGE = Input(
    "acknowledgement",
    "text",
    "Acknowledge collisions (reason)",
    help_text="Needed when the window collides with other changes; for an emergency "
    "change, also overrides a freeze window.",
    max_length=1000,
)
DECISION_STATES = frozenset({Status.AUTHORISATION, Status.EMERGENCY_AUTHORISATION})

WORKFLOW = Workflow(
    states=Status,
    terminal=frozenset({Status.CLOSED, Status.REJECTED, Status.CANCELLED}),
    transitions=[
        # The order matters to the test harness's shortest paths (ties go to the row
        # listed first): rejected is reached through assessment and implementing the
        # emergency way, so the retrospective approval rows are exercised too.
        Transition(
            "submit",
            frozenset({Status.DRAFT}),
            Status.ASSESSMENT,
            "Submit for assessment",
            change_staff,
            STAFF,
            guard=_submit_guard,
            apply=_apply_submit,
            event="submitted",
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "request_authorisation",
            frozenset({Status.ASSESSMENT}),
            Status.AUTHORISATION,
            "Assessed: request CAB authorisation",
            change_manager,
            MANAGERS,
            guard=_request_authorisation_guard,
            inputs=(ACKNOWLEDGE,),
            apply=_record_window_checks,
            event="approval_requested",
            after=_open_by_risk,
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "refuse",
            frozenset({Status.ASSESSMENT}),
            Status.REJECTED,
            "Refuse (not fit for the CAB)",
            change_manager,
            MANAGERS,
            needs_reason=True,
            apply=_apply_finish,
            event="rejected",
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "submit_emergency",
            frozenset({Status.DRAFT}),
            Status.EMERGENCY_AUTHORISATION,
            "Request emergency authorisation",
            change_staff,
            STAFF,
            guard=_submit_emergency_guard,
            needs_reason=True,
            inputs=(ACKNOWLEDGE,),
            apply=_apply_submit_emergency,
            event="approval_requested",
            after=_open_emergency,
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "implement_without_approval",
            frozenset({Status.EMERGENCY_AUTHORISATION}),
            Status.IMPLEMENTING,
            "Implement before approval (retrospective approval)",
            change_manager,
            MANAGERS,
            needs_reason=True,
            apply=_apply_without_approval,
            event="approval_requested",
            after=_after_without_approval,
            not_in=ONE_AT_A_TIME,
        ),
        Transition(
            "authorise_emergency",
            frozenset({Status.EMERGENCY_AUTHORISATION}),
            Status.IMPLEMENTING,
            "Authorised: implement",
            change_staff,
            STAFF,
            guard=approvals.track_ended(ApprovalTrack.State.APPROVED, "change_not_approved"),
            apply=_apply_start,
            event="authorised",
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "schedule_standard",
            frozenset({Status.DRAFT}),
            Status.SCHEDULED,
            "Schedule (pre-approved)",
            change_staff,
            STAFF,
            guard=_schedule_standard_guard,
            inputs=(ACKNOWLEDGE,),
            apply=_record_window_checks,
            event="scheduled",
            not_in=NOT_IN_PORTAL,
        ),
        *SIGN_OFF.transitions(
            DECIDING, APPROVERS, not_in=ONE_AT_A_TIME, rejected_event="approval_rejected"
        ),
        Transition(
            "authorise",
            frozenset({Status.AUTHORISATION}),
            Status.SCHEDULED,
            "Authorised: schedule",
            change_staff,
            STAFF,
            guard=approvals.track_ended(ApprovalTrack.State.APPROVED, "change_not_approved"),
            event="scheduled",
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "decline",
            DECISION_STATES,
            Status.REJECTED,
            "Rejected by the approvers",
            change_staff,
            STAFF,
            guard=approvals.track_ended(ApprovalTrack.State.REJECTED, "change_not_rejected"),
            apply=_apply_finish,
            event="rejected",
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "return_to_assessment",
            frozenset({Status.AUTHORISATION, Status.SCHEDULED}),
            Status.ASSESSMENT,
            "Return to assessment",
            change_staff,
            STAFF,
            needs_reason=True,
            after=_void("returned to assessment"),
            announce="returned_to_assessment",
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "start",
            frozenset({Status.SCHEDULED}),
            Status.IMPLEMENTING,
            "Start implementation",
            change_staff,
            STAFF,
            apply=_apply_start,
            not_in=NOT_IN_PORTAL,
            announce="started",
        ),
        Transition(
            "complete",
            frozenset({Status.IMPLEMENTING}),
            Status.REVIEW,
            "Implemented: review",
            change_staff,
            STAFF,
            apply=_apply_complete,
            event="implemented",
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "close",
            frozenset({Status.REVIEW}),
            Status.CLOSED,
            "Close",
            change_manager,
            MANAGERS,
            guard=_close_guard,
            inputs=(
                Input("closure_code", "choice", "Closure code", required=True, choices=ClosureCode),
                Input(
                    "review_notes",
                    "longtext",
                    "Post-implementation review",
                    help_text="Required for a failed or backed-out change.",
                ),
            ),
            apply=_apply_close,
            after=_after_close,
            event="closed",
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "cancel",
            frozenset(
                {
                    Status.DRAFT,
                    Status.ASSESSMENT,
                    Status.AUTHORISATION,
                    Status.EMERGENCY_AUTHORISATION,
                    Status.SCHEDULED,
                }
            ),
            Status.CANCELLED,
            "Cancel",
            change_staff,
            STAFF,
            needs_reason=True,
            apply=_apply_finish,
            after=_void("cancelled"),
            event="cancelled",
            not_in=NOT_IN_PORTAL,
        ),
    ],
)
