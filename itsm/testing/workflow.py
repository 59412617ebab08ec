"""Table-driven helpers for testing any app's :class:`itsm.workflow.Workflow`.

``transition_cases`` feeds a parametrized test that tries every transition from every
state; ``assert_workflow_table_complete`` is the meta-test that the table has no dead
ends and no unreachable states.
"""

from itsm.workflow import Workflow


def transition_cases(workflow: Workflow) -> list[tuple[str, str, bool]]:
    """``(state, transition_name, allowed_from_state)`` for every state x transition.

    A list, not a generator, so it can go straight into ``pytest.mark.parametrize``.
    """
    return [
        (state, transition.name, state in transition.sources)
        for state in workflow.states.values
        for transition in workflow.transitions
    ]


def initial_state(workflow: Workflow) -> str:
    """The workflow's ``initial`` if it declares one, else the first state of its choices."""
    return getattr(workflow, "initial", None) or workflow.states.values[0]


def reachable_states(workflow: Workflow, start: str) -> set[str]:
    """Every state some sequence of transitions leads to from ``start`` (``start`` included)."""
    seen = {start}
    frontier = [start]
    while frontier:
        state = frontier.pop()
        for transition in workflow.transitions:
            target = transition.target
            if state in transition.sources and target is not None and target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


def assert_workflow_table_complete(workflow: Workflow, *, initial: str | None = None) -> None:
    """Fail, naming every problem at once, unless the table is complete.

    Complete means: every state is reachable from the initial state; every non-terminal
    state has a transition that leaves it (record-only transitions, whose target is None,
    do not count: they cannot get a record unstuck); terminal states have no transitions.
    """
    start = initial or initial_state(workflow)
    states = list(workflow.states.values)
    problems = []
    if start not in states:
        problems.append(f"initial state {start!r} is not one of the states")
    unknown_terminal = set(workflow.terminal) - set(states)
    if unknown_terminal:
        problems.append(f"unknown terminal states {sorted(unknown_terminal)}")
    reachable = reachable_states(workflow, start)
    for state in states:
        outgoing = [t for t in workflow.transitions if state in t.sources]
        if state not in reachable:
            problems.append(f"{state!r} cannot be reached from {start!r}")
        if state in workflow.terminal:
            if outgoing:
                names = [t.name for t in outgoing]
                problems.append(f"terminal state {state!r} has transitions {names}")
        elif not any(t.target is not None and t.target != state for t in outgoing):
            problems.append(f"non-terminal state {state!r} has no transition out of it")
    assert not problems, "incomplete workflow table:\n  " + "\n  ".join(problems)
