"""Table-driven helpers for testing any app's :class:`itsm.workflow.Workflow`.

``transition_cases`` feeds a parametrized test that tries every transition from every
state, and :func:`check_transition_case` is that test's body; :func:`drive_to` takes a
new record to any state through the real transitions (a shortest path over the table);
``assert_workflow_table_complete`` is the meta-test that the table has no dead ends and
no unreachable states. A record app's test needs only its kit (``itsm.testing.kit``)::

    @pytest.mark.parametrize(("state", "name", "allowed"), transition_cases(WORKFLOW))
    def test_transition_table(state, name, allowed, people):
        check_transition_case(record_type_for(Incident), KIT, state, name, allowed)
"""

from collections import deque

from itsm.registry import RecordType
from itsm.testing.kit import RecordKit, Setup
from itsm.workflow import Transition, TransitionNotAllowed, Workflow


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


def path_to(workflow: Workflow, start: str, target: str) -> list[Transition]:
    """The shortest list of state-changing transitions from ``start`` to ``target``.

    Ties go to the transition listed first in the table, so the path is always the same.
    """
    previous: dict[str, tuple[str, Transition] | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        if state == target:
            break
        for transition in workflow.transitions:
            nxt = transition.target
            if state in transition.sources and nxt is not None and nxt not in previous:
                previous[nxt] = (state, transition)
                queue.append(nxt)
    if target not in previous:
        raise ValueError(f"{target!r} cannot be reached from {start!r}")
    path = []
    while previous[target] is not None:
        target, transition = previous[target]
        path.append(transition)
    return path[::-1]


def actor_for(transition: Transition, record, people, *, may_use=None):
    """The first of ``people`` the table allows to run ``transition`` on ``record``.

    ``may_use(user)`` narrows the choice to people who can reach the interface at all
    (the admin wants staff). None when nobody fits.
    """
    for person in people:
        if (may_use is None or may_use(person)) and transition.allowed(person, record):
            return person
    return None


def reason_for(transition: Transition) -> dict:
    return {"reason": f"{transition.label}: checked by the harness."}


def run_step(record_type: RecordType, kit: RecordKit, record, transition, people):
    """Run ``transition`` through the service as the first person allowed to."""
    actor = actor_for(transition, record, people)
    if actor is None:
        raise AssertionError(f"none of the kit's people may {transition.name} {record}")
    params = kit.params(transition.name, record)
    if transition.needs_reason:
        params.update(reason_for(transition))
    return record_type.transition(record_id=record.pk, name=transition.name, actor=actor, **params)


def drive_to(
    record_type: RecordType,
    kit: RecordKit,
    state: str,
    *,
    requester,
    people=(),
    ready_for: str | None = None,
    **fields,
):
    """A new record of ``requester``'s, taken through the real transitions to ``state``.

    ``ready_for`` names the transition the caller means to run next. The record-only
    transitions that it and the path's own transitions wait for (``kit.prepare``) run on
    the way, each as soon as the state allows it. ``fields`` go to ``kit.create``.
    """
    workflow = record_type.workflow
    people = [requester, *(p for p in people or kit.people() if p != requester)]
    record = kit.create(requester, **fields)
    path = path_to(workflow, getattr(record, workflow.field), state)
    waited_for = [ready_for, *(step.name for step in path)]
    prepared = (n for w in waited_for for n in kit.prepare.get(w, ()))
    pending = list(dict.fromkeys(n if isinstance(n, Setup) else workflow[n] for n in prepared))
    for step in [*path, None]:
        current = getattr(record, workflow.field)
        for transition in [t for t in pending if current in t.sources]:
            if isinstance(transition, Setup):
                record = transition.run(record, people)
            else:
                record = run_step(record_type, kit, record, transition, people)
            pending.remove(transition)
        if step is not None:
            record = run_step(record_type, kit, record, step, people)
    return type(record).objects.get(pk=record.pk)


def check_transition_case(
    record_type: RecordType, kit: RecordKit, state: str, name: str, allowed: bool
) -> None:
    """One case of the table-driven workflow test.

    An allowed transition succeeds through the service and writes exactly one history
    row naming the transition, its actor and its reason, and bumps the version; any other
    is refused with ``invalid_state`` (409) and writes nothing.
    """
    workflow = record_type.workflow
    transition = workflow[name]
    people = list(kit.people())
    record = drive_to(record_type, kit, state, requester=people[0], people=people, ready_for=name)
    actor = actor_for(transition, record, people) or people[0]
    params = {**kit.params(name, record), **reason_for(transition)}
    rows_before = record.history.count()
    if allowed:
        after = record_type.transition(record_id=record.pk, name=name, actor=actor, **params)
        written = list(record.history.order_by("history_id")[rows_before:])
        follow_ups = [row.history_transition for row in written[1:]]
        assert len(follow_ups) <= 1 and set(follow_ups) <= set(kit.follow_ups.get(name, ()))
        moved_to = [workflow[n].target for n in follow_ups]
        assert getattr(after, workflow.field) == (moved_to or [transition.target or state])[0]
        own = written[0]
        assert own.history_transition == name
        assert own.history_user_id == actor.pk
        assert params["reason"] in own.history_change_reason
        if hasattr(record, "version"):
            assert after.version == record.version + len(written)
        return
    try:
        record_type.transition(record_id=record.pk, name=name, actor=actor, **params)
    except TransitionNotAllowed as refused:
        assert (refused.code, refused.status) == ("invalid_state", 409)
    else:
        raise AssertionError(f"{name} was allowed from {state!r}")
    assert record.history.count() == rows_before
    fresh = type(record).objects.get(pk=record.pk)
    assert getattr(fresh, workflow.field) == state
    if hasattr(record, "version"):
        assert fresh.version == record.version
