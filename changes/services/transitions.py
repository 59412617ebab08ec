"""Status changes: the transition table in ``changes.workflow``, applied."""

import logging

from changes.models import Change
from changes.workflow import WORKFLOW
from itsm.audit import system_user
from itsm.errors import Refused
from itsm.workflow import run_transition

log = logging.getLogger(__name__)

# What follows an ended approval track, by the state the change waits in.
MOVES = {
    ("authorisation", "approved"): "authorise",
    ("emergency_authorisation", "approved"): "authorise_emergency",
    ("authorisation", "rejected"): "decline",
    ("emergency_authorisation", "rejected"): "decline",
}


def change_transition(
    *, change_id, name: str, actor, expected_version: int | None = None, **params
) -> Change:
    """Run the named transition: the only way a change's status changes."""
    params["actor"] = actor
    return run_transition(
        WORKFLOW,
        model=Change,
        pk=change_id,
        name=name,
        actor=actor,
        params=params,
        expected_version=expected_version,
    )


def advance(change_id) -> Change | None:
    """Move a change on after the decision that ended its approval track (as the system).

    Runs after that decision commits. A move the table refuses (a freeze window placed
    meanwhile) leaves the change waiting for the change manager, and is logged.
    """
    from changes.approval import latest_track

    change = Change.objects.get(pk=change_id)
    track = latest_track(change)
    name = MOVES.get((change.status, track.state if track else None))
    if name is None:
        return None
    try:
        return change_transition(
            change_id=change_id, name=name, actor=system_user(), reason="approval track ended"
        )
    except Refused as refused:
        log.warning("change %s not moved on: %s", change.number, refused.message)
        return None
