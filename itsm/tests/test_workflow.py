"""The workflow backbone's pure parts and the shared table-driven helpers, on a stand-in."""

from types import SimpleNamespace

import pytest
from django.db import models

from itsm.api.errors import exception_handler
from itsm.testing.workflow import (
    assert_workflow_table_complete,
    reachable_states,
    transition_cases,
)
from itsm.workflow import Transition, TransitionNotAllowed, Workflow


class Status(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


def anyone(actor, record) -> bool:
    return True


def boss(actor, record) -> bool:
    return actor.is_boss


def needs_text(record, params):
    if not params.get("text"):
        raise TransitionNotAllowed("invalid_input", "Write the note.", field="text")


def transitions() -> list[Transition]:
    return [
        Transition("start", frozenset({Status.NEW}), Status.OPEN, "Start", anyone, "anyone"),
        Transition("finish", frozenset({Status.OPEN}), Status.DONE, "Finish", boss, "the boss"),
        Transition(
            "cancel", frozenset({Status.NEW, Status.OPEN}), Status.CANCELLED, "Cancel", anyone,
            "anyone", needs_reason=True,
        ),
        Transition(
            "note", frozenset({Status.NEW, Status.OPEN}), None, "Add a note", anyone, "anyone",
            guard=needs_text,
        ),
    ]  # fmt: skip


WORKFLOW = Workflow(
    states=Status, transitions=transitions(), terminal=frozenset({Status.DONE, Status.CANCELLED})
)
BOSS = SimpleNamespace(is_boss=True)
WORKER = SimpleNamespace(is_boss=False)


def record(status: str = Status.NEW) -> SimpleNamespace:
    return SimpleNamespace(status=status)


def refusal(name, actor=BOSS, status=Status.NEW, params=None) -> TransitionNotAllowed:
    with pytest.raises(TransitionNotAllowed) as caught:
        WORKFLOW.check(record(status), name, actor, params)
    return caught.value


def test_unknown_source_state_is_rejected_at_construction():
    bad = Transition("go", frozenset({"limbo"}), Status.OPEN, "Go", anyone, "anyone")

    with pytest.raises(ValueError, match=r"go: unknown states \['limbo'\]"):
        Workflow(states=Status, transitions=[bad])


def test_unknown_target_state_is_rejected_at_construction():
    bad = Transition("go", frozenset({Status.NEW}), "limbo", "Go", anyone, "anyone")

    with pytest.raises(ValueError, match="limbo"):
        Workflow(states=Status, transitions=[bad])


def test_duplicate_transition_names_are_rejected():
    twice = transitions() + [transitions()[0]]

    with pytest.raises(ValueError, match="unique"):
        Workflow(states=Status, transitions=twice)


def test_allowed_transition_is_returned():
    assert WORKFLOW.check(record(Status.OPEN), "finish", BOSS).name == "finish"


def test_wrong_state_is_a_409_conflict():
    error = refusal("finish", status=Status.NEW)

    assert (error.code, error.status) == ("invalid_state", 409)
    assert "Finish" in error.message and "new" in error.message and "open" in error.message


def test_actor_without_permission_gets_403_naming_who_may():
    error = refusal("finish", actor=WORKER, status=Status.OPEN)

    assert (error.code, error.status) == ("not_permitted", 403)
    assert "the boss" in error.message


@pytest.mark.parametrize("params", [None, {}, {"reason": ""}, {"reason": "   "}])
def test_missing_reason_is_a_400_on_the_reason_field(params):
    error = refusal("cancel", params=params)

    assert (error.code, error.status, error.field) == ("reason_required", 400, "reason")


def test_reason_given_passes():
    assert WORKFLOW.check(record(), "cancel", WORKER, {"reason": "duplicate"}).name == "cancel"


def test_unknown_transition_is_a_400():
    error = refusal("teleport")

    assert (error.code, error.status) == ("unknown_transition", 400)
    assert "teleport" in error.message


def test_guard_runs_after_the_table_checks():
    assert refusal("note").code == "invalid_input"
    # State and permission are checked first, so the guard never sees an impossible move.
    assert refusal("note", status=Status.DONE).code == "invalid_state"
    assert WORKFLOW.check(record(), "note", WORKER, {"text": "called back"}).target is None


def test_available_lists_what_the_actor_may_do_now():
    def names(actor, status):
        return [t.name for t in WORKFLOW.available(record(status), actor)]

    assert names(BOSS, Status.OPEN) == ["finish", "cancel", "note"]
    assert names(WORKER, Status.OPEN) == ["cancel", "note"]
    assert names(WORKER, Status.NEW) == ["start", "cancel", "note"]
    assert names(BOSS, Status.DONE) == []


def test_api_error_handler_answers_with_the_code_and_status():
    error = TransitionNotAllowed("reason_required", "Give a reason.", status=400, field="reason")

    response = exception_handler(error, {})

    assert response.status_code == 400
    assert response.data == {
        "code": "reason_required",
        "detail": "Give a reason.",
        "errors": {"reason": ["Give a reason."]},
    }


def test_transition_cases_cover_every_state_and_transition():
    cases = list(transition_cases(WORKFLOW))

    assert len(cases) == len(Status.values) * len(WORKFLOW.transitions)
    assert len(set(cases)) == len(cases)
    assert ("new", "start", True) in cases
    assert ("open", "start", False) in cases
    assert ("done", "cancel", False) in cases
    allowed = {(state, name) for state, name, ok in cases if ok}
    assert allowed == {
        ("new", "start"), ("open", "finish"), ("new", "cancel"), ("open", "cancel"),
        ("new", "note"), ("open", "note"),
    }  # fmt: skip


@pytest.mark.parametrize(("state", "name", "allowed"), transition_cases(WORKFLOW))
def test_transition_cases_agree_with_check(state, name, allowed):
    params = {"reason": "r", "text": "t"}
    if allowed:
        WORKFLOW.check(record(state), name, BOSS, params)
    else:
        with pytest.raises(TransitionNotAllowed) as caught:
            WORKFLOW.check(record(state), name, BOSS, params)
        assert caught.value.code == "invalid_state"


def test_reachable_states_follow_targets_only():
    assert reachable_states(WORKFLOW, Status.NEW) == set(Status.values)
    assert reachable_states(WORKFLOW, Status.DONE) == {Status.DONE}


def test_complete_table_passes():
    assert_workflow_table_complete(WORKFLOW)


def incomplete(message: str, workflow: Workflow, **kwargs):
    with pytest.raises(AssertionError, match=message):
        assert_workflow_table_complete(workflow, **kwargs)


def test_unreachable_state_is_reported():
    without_start = [t for t in transitions() if t.name != "start"]
    workflow = Workflow(states=Status, transitions=without_start, terminal=WORKFLOW.terminal)

    incomplete("'open' cannot be reached from 'new'", workflow)


def test_state_with_only_record_only_transitions_is_a_dead_end():
    stuck = [t for t in transitions() if t.name != "finish"]
    stuck[1] = Transition(
        "cancel", frozenset({Status.NEW}), Status.CANCELLED, "Cancel", anyone, "x"
    )
    workflow = Workflow(states=Status, transitions=stuck, terminal=WORKFLOW.terminal)

    incomplete("non-terminal state 'open' has no transition out of it", workflow)


def test_terminal_state_with_a_transition_is_reported():
    reopen = Transition("reopen", frozenset({Status.DONE}), Status.OPEN, "Reopen", anyone, "x")
    workflow = Workflow(
        states=Status, transitions=[*transitions(), reopen], terminal=WORKFLOW.terminal
    )

    incomplete(r"terminal state 'done' has transitions \['reopen'\]", workflow)


def test_missing_terminal_declaration_is_reported():
    workflow = Workflow(states=Status, transitions=transitions())

    incomplete("non-terminal state 'done' has no transition out of it", workflow)


def test_unknown_initial_or_terminal_state_is_reported():
    incomplete("initial state 'limbo'", WORKFLOW, initial="limbo")
    odd = Workflow(states=Status, transitions=transitions(), terminal=frozenset({"limbo"}))
    incomplete(r"unknown terminal states \['limbo'\]", odd)
