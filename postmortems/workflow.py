"""The postmortem transition table: draft -> in review -> published.

``submit`` sends a complete draft for sign-off (an approval track on the policy of the
incident's service, see ``postmortems.approval``); the approvers ``approve`` or
``reject`` through the approvals engine; the decision that ends the track moves the
postmortem on in the same transaction, as the system (``publish`` or ``return_to_draft``,
which no interface offers: the engine's outcome drives them). The owner may ``withdraw`` a
postmortem from review to edit it again, which voids the decisions given.

Postmortems are worked in the staff console and the API; the portal reads them.
"""

from django.utils import timezone

from itsm import approvals
from itsm.models import ApprovalTrack
from itsm.roles import role_allows
from itsm.workflow import Transition, TransitionNotAllowed, Workflow
from postmortems import approval
from postmortems.choices import Status

CONSOLE = frozenset({"portal", "admin_bulk"})
ENGINE_ONLY = frozenset({"portal", "admin_bulk", "admin", "api"})
REVIEW = frozenset({Status.IN_REVIEW})


def owner_or_staff(user, postmortem) -> bool:
    return postmortem.owner_id == user.pk or role_allows(user, "postmortems", "change")


def engine(user, postmortem) -> bool:
    return True


# --- Guards ---------------------------------------------------------------------------------


def _complete(postmortem, params):
    if not postmortem.summary.strip() or not postmortem.root_cause.strip():
        raise TransitionNotAllowed("postmortem_incomplete", field="summary")


# --- Apply and after ------------------------------------------------------------------------


def _open_track(postmortem, actor):
    approvals.open_track(postmortem, approval.policy_of(postmortem), actor=actor)


def _apply_publish(postmortem, params):
    postmortem.published_at = timezone.now()
    return ["published_at"]


def _void(postmortem, actor):
    approvals.void_track(postmortem, actor=actor, reason="withdrawn from review")


SIGN_OFF = approvals.SignOff(
    workflow=lambda: WORKFLOW,
    conflicts=approval.separation_of_duties,
    on_approved=lambda postmortem: "publish",
    on_rejected=lambda postmortem: "return_to_draft",
)


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
        *SIGN_OFF.transitions(REVIEW, APPROVERS, not_in=CONSOLE),
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
            guard=approvals.track_ended(ApprovalTrack.State.APPROVED, "postmortem_not_approved"),
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
            guard=approvals.track_ended(ApprovalTrack.State.REJECTED, "postmortem_not_rejected"),
            event="rejected",
            not_in=ENGINE_ONLY,
        ),
    ],
)
