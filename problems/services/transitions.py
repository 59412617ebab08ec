"""Status changes: the transition table in ``problems.workflow``, applied."""

from itsm.workflow import run_transition
from problems.models import Problem
from problems.workflow import WORKFLOW


def problem_transition(
    *, problem_id, name: str, actor, expected_version: int | None = None, **params
) -> Problem:
    """Run the named transition from the table in ``problems.workflow``.

    The only way a problem's status changes: the admin, the API and the tests all come
    through here. After ``resolve`` the returned problem carries ``linked_report`` (what
    happened to its linked incidents).
    """
    params["actor"] = actor
    return run_transition(
        WORKFLOW,
        model=Problem,
        pk=problem_id,
        name=name,
        actor=actor,
        params=params,
        expected_version=expected_version,
    )
