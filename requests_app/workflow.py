"""The service request transition table.

submitted -> awaiting approval (when the item needs it) -> approved -> in fulfilment ->
fulfilled -> closed; rejected (by the approvers, or refused by the service desk);
cancelled. Submitting runs ``request_approval`` or ``accept`` at once
(``requests_app.services.request_submit`` chooses by the item's rule; neither is offered
in any interface). ``approve`` and ``reject``
record a decision through the approvals engine (the requester and the person the request
is for may not decide); when the decision ends the track, ``authorise`` or ``decline``
runs as the system in the same transaction (``itsm.approvals.SignOff``). Approval creates
the fulfilment tasks from
the item's templates; starting the first task starts fulfilment and finishing the last
one fulfils the request (``requests_app.task_workflow``). The requester confirms; the
nightly job closes what was not confirmed within the confirmation window, and the service
desk may close a fulfilled request itself (the requester confirmed another way). The
requester may cancel until fulfilment starts; the service desk at any time.
"""

from django.utils import timezone

from itsm import approvals
from itsm.models import Approval, ApprovalTrack
from itsm.roles import role_allows
from itsm.workflow import Transition, TransitionNotAllowed, Workflow
from requests_app import approval, sla
from requests_app.choices import BEFORE_FULFILMENT, OPEN_STATUSES, Status, TaskStatus

NOT_IN_PORTAL = frozenset({"portal"})
# Approvers (line managers, approver groups) decide one request at a time: in the approvals
# inboxes (portal and staff console), on the request's admin page and through the API.
ONE_AT_A_TIME = frozenset({"portal", "admin_bulk"})
# Run by the submitting service only (their moves are recorded like any other).
ON_SUBMIT = frozenset({"portal", "admin", "admin_bulk", "api"})


def request_staff(user, request) -> bool:
    """The service desk and the fulfilment teams work requests."""
    return role_allows(user, "requests_app", "change")


def participant(user, request) -> bool:
    return user.pk in (request.requested_by_id, request.requested_for_id)


def participant_or_staff(user, request) -> bool:
    return participant(user, request) or request_staff(user, request)


def may_cancel(user, request) -> bool:
    return request_staff(user, request) or (
        participant(user, request) and request.status in BEFORE_FULFILMENT
    )


# --- Guards ---------------------------------------------------------------------------------


def _needs_approval(request, params):
    if not request.item.needs_approval:
        raise TransitionNotAllowed("request_needs_no_approval", item=request.item.name)


def tasks_allow_fulfilment(request) -> bool:
    """Every task finished and at least one done (or no tasks at all)."""
    statuses = list(request.tasks.values_list("status", flat=True))
    if not statuses:
        return True
    finished = all(s in (TaskStatus.DONE, TaskStatus.CANCELLED) for s in statuses)
    return finished and TaskStatus.DONE in statuses


def _fulfil_guard(request, params):
    if not tasks_allow_fulfilment(request):
        raise TransitionNotAllowed("request_tasks_unfinished", number=request.number)


# --- Apply and after ------------------------------------------------------------------------


def _apply_awaiting(request, params):
    return sla.pause(request, timezone.now())


def _open_track(request, actor):
    approval.open_for(request, actor=actor)


def _apply_approved(request, params):
    request.approved_at = timezone.now()
    return ["approved_at", *sla.resume(request, request.approved_at)]


def _make_tasks(request, actor):
    from requests_app.services.tasks import create_tasks

    create_tasks(request, actor=actor)


def _apply_declined(request, params):
    rejection = (
        Approval.objects.filter(
            track=approvals.latest_track(request), decision=Approval.Decision.REJECTED
        )
        .order_by("-decided_at")
        .first()
    )
    request.outcome_reason = rejection.comment if rejection else ""
    return ["outcome_reason", *_apply_ended(request, params)]


def _apply_started(request, params):
    request.responded_at = request.responded_at or timezone.now()
    return ["responded_at", *sla.refresh(request)]


def _apply_fulfilled(request, params):
    request.fulfilled_at = timezone.now()
    return ["fulfilled_at", *sla.refresh(request)]


def _apply_ended(request, params):
    request.closed_at = timezone.now()
    return ["closed_at", *sla.resume(request, request.closed_at)]


def _apply_confirmed(request, params):
    request.confirmed_at = timezone.now()
    return ["confirmed_at", *_apply_ended(request, params)]


def _apply_cancelled(request, params):
    request.outcome_reason = str(params.get("reason") or "").strip()
    return ["outcome_reason", *_apply_ended(request, params)]


def _void(reason: str):
    def after(request, actor):
        approvals.void_track(request, actor=actor, reason=reason)

    return after


def _after_cancelled(request, actor):
    from requests_app.services.tasks import cancel_open_tasks

    approvals.void_track(request, actor=actor, reason="request cancelled")
    cancel_open_tasks(request, actor=actor)


SIGN_OFF = approvals.SignOff(
    workflow=lambda: WORKFLOW,
    conflicts=approval.separation_of_duties,
    on_approved=lambda request: "authorise",
    on_rejected=lambda request: "decline",
    step_opened="approval_requested",
)


# --- The table ------------------------------------------------------------------------------

STAFF = "the service desk and fulfilment teams"
PARTICIPANTS = "the requester, the person it is for, and the service desk"

WORKFLOW = Workflow(
    states=Status,
    terminal=frozenset({Status.CLOSED, Status.REJECTED, Status.CANCELLED}),
    transitions=[
        Transition(
            "request_approval",
            frozenset({Status.SUBMITTED}),
            Status.AWAITING_APPROVAL,
            "Request approval",
            participant_or_staff,
            PARTICIPANTS,
            guard=_needs_approval,
            apply=_apply_awaiting,
            event="approval_requested",
            after=_open_track,
            not_in=ON_SUBMIT,
        ),
        Transition(
            "accept",
            frozenset({Status.SUBMITTED}),
            Status.APPROVED,
            "Accept (no approval needed)",
            participant_or_staff,
            PARTICIPANTS,
            apply=_apply_approved,
            event="approved",
            after=_make_tasks,
            not_in=ON_SUBMIT,
        ),
        # Listed before ``decline``: the test harness reaches "rejected" this way, so that
        # driving there never needs an approval and a rejection on one track.
        Transition(
            "refuse",
            frozenset({Status.SUBMITTED, Status.AWAITING_APPROVAL}),
            Status.REJECTED,
            "Refuse (cannot be provided)",
            request_staff,
            STAFF,
            needs_reason=True,
            public_reason=True,
            apply=_apply_cancelled,
            after=_void("request refused"),
            event="rejected",
            not_in=NOT_IN_PORTAL,
        ),
        *SIGN_OFF.transitions(
            frozenset({Status.AWAITING_APPROVAL}),
            "the approvers the waiting step names",
            not_in=ONE_AT_A_TIME,
            public_reason=True,
        ),
        Transition(
            "authorise",
            frozenset({Status.AWAITING_APPROVAL}),
            Status.APPROVED,
            "Approved: create the tasks",
            request_staff,
            STAFF,
            guard=approvals.track_ended(ApprovalTrack.State.APPROVED, "request_not_approved"),
            apply=_apply_approved,
            event="approved",
            after=_make_tasks,
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "decline",
            frozenset({Status.AWAITING_APPROVAL}),
            Status.REJECTED,
            "Rejected by the approvers",
            request_staff,
            STAFF,
            guard=approvals.track_ended(ApprovalTrack.State.REJECTED, "request_not_rejected"),
            apply=_apply_declined,
            event="rejected",
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "start_fulfilment",
            frozenset({Status.APPROVED}),
            Status.IN_FULFILMENT,
            "Start fulfilment",
            request_staff,
            STAFF,
            apply=_apply_started,
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "fulfil",
            frozenset({Status.APPROVED, Status.IN_FULFILMENT}),
            Status.FULFILLED,
            "Fulfilled",
            request_staff,
            STAFF,
            guard=_fulfil_guard,
            apply=_apply_fulfilled,
            event="fulfilled",
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "confirm",
            frozenset({Status.FULFILLED}),
            Status.CLOSED,
            "Confirm I received it",
            participant,
            "the requester and the person it is for",
            apply=_apply_confirmed,
            event="closed",
            not_in=frozenset({"admin", "admin_bulk"}),
        ),
        Transition(
            "close",
            frozenset({Status.FULFILLED}),
            Status.CLOSED,
            "Close",
            request_staff,
            STAFF,
            apply=_apply_ended,
            event="closed",
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "cancel",
            frozenset(OPEN_STATUSES),
            Status.CANCELLED,
            "Cancel request",
            may_cancel,
            "the requester before fulfilment starts, or the service desk",
            needs_reason=True,
            public_reason=True,
            apply=_apply_cancelled,
            after=_after_cancelled,
            event="cancelled",
        ),
    ],
)
