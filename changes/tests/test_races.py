"""T14-T16 on PostgreSQL: concurrent decisions on a change resolve exactly once.

Two approvers decide at the same moment through the change service; the transition
runner's row lock on the change serialises them, so the quorum is counted once, one
ending wins, and the move that follows it runs once.
"""

import threading

import pytest
from django.db import close_old_connections, connection

from changes import services
from changes.models import Change
from changes.tests.factories import make_change, setup
from itsm.errors import Refused
from itsm.models import Approval, ApprovalTrack

# Serialized rollback restores the seed rows the flush after a transactional test removes.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MEDIUM = {"users_affected": 5000, "backout_tested": False}
LOW = {"users_affected": 10, "backout_tested": True}


def waiting(users, answers):
    chris = users["chris"]
    change = make_change(requested_by=chris, risk_answers=answers)
    services.change_transition(change_id=change.pk, name="submit", actor=chris)
    return services.change_transition(
        change_id=change.pk, name="request_authorisation", actor=chris
    )


def at_once(change, moves):
    barrier = threading.Barrier(len(moves))
    outcomes = []

    def run(actor, name):
        close_old_connections()
        try:
            barrier.wait(timeout=5)
            services.change_transition(change_id=change.pk, name=name, actor=actor, reason="c")
            outcomes.append("ok")
        except Refused as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=move) for move in moves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def users():
    return setup()


@pytest.mark.parametrize("second", ["approve", "reject"])
def test_the_last_decision_is_taken_once(users, second):
    """T14 and T16: any one CAB member decides; two at once give one ending."""
    change = waiting(users, LOW)

    outcomes = at_once(change, [(users["alex"], "approve"), (users["avery"], second)])

    # The loser finds no step waiting (the table no longer lets them decide), or, when the
    # winner's follow-up move ran first, the change already moved on.
    assert outcomes.count("ok") == 1 and len(outcomes) == 2
    assert {code for code in outcomes if code != "ok"} <= {"not_permitted", "invalid_state"}
    assert Approval.objects.count() == 1
    assert ApprovalTrack.objects.filter(state__in=["approved", "rejected"]).count() == 1
    moved = Change.objects.get(pk=change.pk)
    assert moved.status in ("scheduled", "rejected")
    assert moved.history.filter(history_transition__in=["authorise", "decline"]).count() == 1


def test_two_approvals_at_once_reach_the_quorum_once(users):
    """T15: two of the CAB approve at the same moment: both count, one move follows."""
    change = waiting(users, MEDIUM)

    outcomes = at_once(change, [(users["alex"], "approve"), (users["avery"], "approve")])

    assert outcomes == ["ok", "ok"]
    assert Approval.objects.count() == 2
    assert ApprovalTrack.objects.get().state == "approved"
    moved = Change.objects.get(pk=change.pk)
    assert moved.status == "scheduled"
    assert moved.history.filter(history_transition="authorise").count() == 1
