"""A closed change that fixes a problem resolves it through the problem service."""

from changes.choices import ClosureCode
from itsm.audit import system_user
from problems.choices import Status as ProblemStatus
from problems.services import problem_transition
from problems.workflow import WORKFLOW as PROBLEM_WORKFLOW

FIXED = {ClosureCode.SUCCESSFUL, ClosureCode.SUCCESSFUL_WITH_ISSUES}


def resolve_fixed_problem(change, *, actor):
    """Resolve the change's problem when the change succeeded and the problem can be
    resolved now (known error or fix in progress); otherwise leave it to its manager."""
    problem = change.problem
    if problem is None or change.closure_code not in FIXED:
        return None
    if problem.status not in PROBLEM_WORKFLOW["resolve"].sources:
        return None
    if problem.status == ProblemStatus.RESOLVED:
        return None
    # The system resolves it (change managers need not hold problem rights); the
    # description names the change and who closed it.
    return problem_transition(
        problem_id=problem.pk,
        name="resolve",
        actor=system_user(),
        reason=f"change {change.number} closed by {actor}",
        resolution_code="fixed",
        fix_description=f"Fixed by change {change.number}: {change.title}",
    )
