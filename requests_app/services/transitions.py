"""Status changes: the transition table in ``requests_app.workflow``, applied."""

from itsm.audit import system_user
from itsm.models import ApprovalTrack
from itsm.workflow import run_transition
from requests_app.models import ServiceRequest
from requests_app.workflow import WORKFLOW


def request_transition(
    *, request_id, name: str, actor, expected_version: int | None = None, **params
) -> ServiceRequest:
    """Run the named transition: the only way a request's status changes.

    The request is read again before it is returned: a decision that ended the approval
    track has moved it on once committed.
    """
    params["actor"] = actor
    run_transition(
        WORKFLOW,
        model=ServiceRequest,
        pk=request_id,
        name=name,
        actor=actor,
        params=params,
        expected_version=expected_version,
        related=("item",),
    )
    return ServiceRequest.objects.select_related("item").get(pk=request_id)


MOVES = {ApprovalTrack.State.APPROVED: "authorise", ApprovalTrack.State.REJECTED: "decline"}


def advance(request_id) -> ServiceRequest | None:
    """Move a request on after the decision that ended its approval track (as the system)."""
    from requests_app.approval import latest_track

    request = ServiceRequest.objects.get(pk=request_id)
    track = latest_track(request)
    name = MOVES.get(track.state) if track else None
    if request.status != "awaiting_approval" or name is None:
        return None
    return request_transition(
        request_id=request_id, name=name, actor=system_user(), reason="approval track ended"
    )
