"""Status changes: the transition table in ``changes.workflow``, applied."""

from changes.models import Change
from changes.workflow import WORKFLOW
from itsm.workflow import run_transition


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
