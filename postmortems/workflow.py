"""The postmortem transition table: draft -> in review -> published.

``submit`` sends a complete draft for sign-off (an approval track on the policy of the
incident's service, see ``postmortems.approval``); the approvers ``approve`` or
``reject`` through the approvals engine; the decision that ends the track moves the
postmortem on in the same transaction (``publish`` or ``return_to_draft``, which no
interface offers: the engine's outcome drives them). The owner may ``withdraw`` a
postmortem from review to edit it again, which voids the decisions given.

Postmortems are worked in the staff console and the API; the portal reads them.
"""

from django.utils import timezone

from itsm import approvals
from itsm.models import Approval, ApprovalTrack
from itsm.roles import role_allows
from itsm.workflow import Transition, TransitionNotAllowed, Workflow, run_transition
from postmortems import approval
from postmortems.choices import Status

CONSOLE = frozenset({"portal", "admin_bulk"})
ENGINE_ONLY = frozenset({"portal", "admin_bulk", "admin", "api"})
REVIEW = frozenset({Status.IN_REVIEW})


def owner_or_staff(user, postmortem) -> bool:
    return postmortem.owner_id == user.pk or role_allows(user, "postmortems", "change")


def approver(user, postmortem) -> bool:
    return approvals.may_decide_now(user, postmortem)


def engine(user, postmortem) -> bool:
    return True


# --- Guards ---------------------------------------------------------------------------------


def _complete(postmortem, params):
    if not postmortem.summary.strip() or not postmortem.root_cause.strip():
        raise TransitionNotAllowed("postmortem_incomplete", field="summary")


def _deciding(postmortem, params):
    actor = params.get("actor")
    if actor is None:
        return
    for rule, person_id in approval.separation_of_duties(postmortem).items():
        if person_id is not None and person_id == actor.pk:
            raise TransitionNotAllowed("approver_conflict", rule=rule, number=str(postmortem))


def _track_ended(state: str, code: str):
    def guard(postmortem, params):
        track = approvals.tracks_of(postmortem).first()
        if track is None or track.state != state:
            raise TransitionNotAllowed(code)

    return guard


# --- Apply and after ------------------------------------------------------------------------


def _open_track(postmortem, actor):
    approvals.open_track(postmortem, approval.policy_of(postmortem), actor=actor)


def _decide(decision: str):
    def apply(postmortem, params):
        track = approvals.decide(
            postmortem,
            actor=params["actor"],
            decision=decision,
            comment=str(params.get("reason") or ""),
            conflicts=approval.separation_of_duties(postmortem),
        )
        postmortem._ended_track = track.state
        return []

    return apply


def _after_decision(postmortem, actor):
    """The decision that ended the track moves the postmortem on, in the same transaction."""
    follow = {
        ApprovalTrack.State.APPROVED: "publish",
        ApprovalTrack.State.REJECTED: "return_to_draft",
    }.get(postmortem._ended_track)
    if follow:
        run_transition(
            WORKFLOW,
            model=type(postmortem),
            pk=postmortem.pk,
            name=follow,
            actor=actor,
            params={"actor": actor},
        )


def _apply_publish(postmortem, params):
    postmortem.published_at = timezone.now()
    return ["published_at"]


def _void(postmortem, actor):
    approvals.void_track(postmortem, actor=actor, reason="withdrawn from review")


# --- The table ------------------------------------------------------------------------------

OWNERS = "the owner (incident commander) and postmortem staff"
APPROVERS = "the owner group of the affected service"
ENGINE = "the approvals engine, once the sign-off ends"

WORKFLOW = Workflow(
    states=Status,
    terminal=frozenset({Status.PUBLISHED}),
    transitions=[
        Transition(
            "submit",
            frozenset({Status.DRAFT}),
            Status.IN_REVIEW,
            "Send for review",
            owner_or_staff,
            OWNERS,
            guard=_complete,
            after=_open_track,
            event="review_requested",
            not_in=CONSOLE,
        ),
        Transition(
            "approve",
            REVIEW,
            None,
            "Approve",
            approver,
            APPROVERS,
            guard=_deciding,
            apply=_decide(Approval.Decision.APPROVED),
            after=_after_decision,
            not_in=CONSOLE,
        ),
        Transition(
            "reject",
            REVIEW,
            None,
            "Reject",
            approver,
            APPROVERS,
            guard=_deciding,
            needs_reason=True,
            apply=_decide(Approval.Decision.REJECTED),
            after=_after_decision,
            not_in=CONSOLE,
        ),
        Transition(
            "withdraw",
            REVIEW,
            Status.DRAFT,
            "Withdraw from review",
            owner_or_staff,
            OWNERS,
            needs_reason=True,
            after=_void,
            not_in=CONSOLE,
        ),
        Transition(
            "publish",
            REVIEW,
            Status.PUBLISHED,
            "Publish",
            engine,
            ENGINE,
            guard=_track_ended(ApprovalTrack.State.APPROVED, "postmortem_not_approved"),
            apply=_apply_publish,
            event="published",
            not_in=ENGINE_ONLY,
        ),
        Transition(
            "return_to_draft",
            REVIEW,
            Status.DRAFT,
            "Return to draft (rejected)",
            engine,
            ENGINE,
            guard=_track_ended(ApprovalTrack.State.REJECTED, "postmortem_not_rejected"),
            event="rejected",
            not_in=ENGINE_ONLY,
        ),
    ],
)
