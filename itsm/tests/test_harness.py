"""The shared test harnesses themselves: the drive to a state and the one-write-path check."""

import pytest
from django.db import transaction

from incidents.models import Incident
from incidents.tests.kit import KIT
from itsm.registry import record_type_for
from itsm.testing import write_paths
from itsm.testing.workflow import drive_to, path_to
from itsm.writes import lock_record, save_record

INCIDENTS = record_type_for(Incident)
WORKFLOW = INCIDENTS.workflow


def test_the_path_is_the_shortest_through_the_table():
    names = [t.name for t in path_to(WORKFLOW, "new", "closed")]

    assert names == ["resolve", "close"]
    assert path_to(WORKFLOW, "on_hold", "on_hold") == []


def test_an_unreachable_state_is_refused():
    with pytest.raises(ValueError, match="cannot be reached"):
        path_to(WORKFLOW, "closed", "new")


@pytest.mark.django_db
@pytest.mark.parametrize("state", WORKFLOW.states.values)
def test_a_record_is_driven_to_every_state(state):
    people = KIT.people()

    record = drive_to(INCIDENTS, KIT, state, requester=people[0], people=people)

    assert record.status == state
    assert record.history.filter(history_transition="").count() == 1  # the create


@pytest.mark.django_db
def test_the_drive_runs_what_a_guard_waits_for():
    people = KIT.people()

    record = drive_to(
        INCIDENTS, KIT, "resolved", requester=people[0], people=people, ready_for="close"
    )

    assert record.confirmed_at is not None


def _case(name: str) -> write_paths.WritePathCase:
    return write_paths.WritePathCase(INCIDENTS, KIT, WORKFLOW[name], "service")


def _other_reason(case, record, actor, params):
    write_paths.through_service(case, record, actor, {**params, "reason": "Something else."})
    return params


def _writes_twice(case, record, actor, params):
    write_paths.through_service(case, record, actor, params)
    with transaction.atomic():
        again = lock_record(type(record), record.pk)
        save_record(again, actor=actor, reason="touched", fields=[])
    return params


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("interface", "complaint"),
    [(_other_reason, "the service wrote"), (_writes_twice, "wrote .* the service")],
)
def test_an_interface_that_writes_otherwise_fails_the_check(monkeypatch, interface, complaint):
    monkeypatch.setitem(
        write_paths.INTERFACES, "service", write_paths.Interface(interface, lambda user: True)
    )

    with pytest.raises(AssertionError, match=complaint):
        write_paths.check_write_path(_case("start"), monkeypatch)


@pytest.mark.django_db
def test_an_interface_that_writes_like_the_service_passes(monkeypatch):
    write_paths.check_write_path(_case("resolve"), monkeypatch)
