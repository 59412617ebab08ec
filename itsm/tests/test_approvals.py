"""The approvals engine on its own: policy arithmetic, separation of duties, voiding, inbox.

A service stands in for the record (the engine needs only a saved model instance); record
apps test the same engine through their transition tables.
"""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from itsm import approvals
from itsm.errors import Refused
from itsm.models import (
    Approval,
    ApprovalPolicy,
    ApprovalStep,
    ApprovalTrack,
    Profile,
    Service,
)
from itsm.tests.factories import ServiceFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

APPROVED, REJECTED = Approval.Decision.APPROVED, Approval.Decision.REJECTED


@pytest.fixture
def cab():
    team = TeamFactory(name="CAB")
    people = [UserFactory(username=f"cab{i}") for i in range(3)]
    team.members.add(*people)
    return team, people


@pytest.fixture
def manager():
    return UserFactory(username="manager")


def make_policy(*steps, key="high"):
    policy = ApprovalPolicy.objects.create(record_type="itsm.service", key=key, name=f"P {key}")
    for order, (kind, target, required) in enumerate(steps, start=1):
        ApprovalStep.objects.create(
            policy=policy,
            order=order,
            kind=kind,
            group=target if kind in ("any_one", "n_of") else None,
            person=target if kind == "person" else None,
            required=required,
        )
    return policy


def start(policy, actor):
    record = ServiceFactory()
    approvals.open_track(record, policy, actor=actor)
    return record


def test_any_one_of_a_group_approves_with_one_decision(cab, manager):
    team, (a, b, _) = cab
    record = start(make_policy(("any_one", team, 1)), manager)

    track = approvals.decide(record, actor=a, decision=APPROVED)

    assert track.state == ApprovalTrack.State.APPROVED
    assert list(approvals.inbox(b)) == []


def test_n_of_a_group_waits_for_the_quorum(cab, manager):
    team, (a, b, _) = cab
    record = start(make_policy(("n_of", team, 2)), manager)

    assert approvals.decide(record, actor=a, decision=APPROVED).state == "pending"
    assert approvals.decide(record, actor=b, decision=APPROVED).state == "approved"


def test_steps_run_in_sequence(cab, manager):
    team, (a, b, _) = cab
    policy = make_policy(("n_of", team, 2), ("person", manager, 1))
    record = start(policy, UserFactory(username="requester"))

    approvals.decide(record, actor=a, decision=APPROVED)
    with pytest.raises(Refused) as early:
        approvals.decide(record, actor=manager, decision=APPROVED)
    assert early.value.code == "not_an_approver"
    track = approvals.decide(record, actor=b, decision=APPROVED)
    assert (track.state, track.step.order) == ("pending", 2)
    assert [t.pk for t in approvals.inbox(manager)] == [track.pk]

    assert approvals.decide(record, actor=manager, decision=APPROVED).state == "approved"


def test_one_rejection_rejects_and_needs_a_comment(cab, manager):
    team, (a, b, _) = cab
    record = start(make_policy(("n_of", team, 2)), manager)
    approvals.decide(record, actor=a, decision=APPROVED)

    with pytest.raises(Refused) as bare:
        approvals.decide(record, actor=b, decision=REJECTED, comment="  ")
    assert (bare.value.code, bare.value.field) == ("rejection_comment_required", "comment")
    track = approvals.decide(record, actor=b, decision=REJECTED, comment="Backout untested.")

    assert track.state == ApprovalTrack.State.REJECTED
    assert Approval.objects.get(approver=b).comment == "Backout untested."


def test_separation_of_duties_names_the_rule(cab, manager):
    team, (a, _, _) = cab
    record = start(make_policy(("any_one", team, 1)), manager)

    with pytest.raises(Refused) as refused:
        approvals.decide(record, actor=a, decision=APPROVED, conflicts={"requested it": a})

    assert refused.value.code == "approver_conflict"
    assert "requested it" in refused.value.message
    assert refused.value.status == 403
    assert not Approval.objects.exists()


def test_nobody_outside_the_step_decides_and_nobody_decides_twice(cab, manager):
    team, (a, b, c) = cab
    record = start(make_policy(("n_of", team, 3)), manager)

    with pytest.raises(Refused) as outsider:
        approvals.decide(record, actor=manager, decision=APPROVED)
    approvals.decide(record, actor=a, decision=APPROVED)
    with pytest.raises(Refused) as twice:
        approvals.decide(record, actor=a, decision=APPROVED)

    assert (outsider.value.code, twice.value.code) == ("not_an_approver", "already_decided")
    assert Approval.objects.count() == 1


def test_a_decision_without_a_pending_track_is_refused(cab):
    _, (a, _, _) = cab
    with pytest.raises(Refused) as refused:
        approvals.decide(ServiceFactory(), actor=a, decision=APPROVED)
    assert refused.value.code == "no_pending_approval"


def test_voiding_keeps_the_decisions_marked_and_a_new_track_starts_clean(cab, manager):
    team, (a, b, _) = cab
    policy = make_policy(("n_of", team, 2))
    record = start(policy, manager)
    approvals.decide(record, actor=a, decision=APPROVED)

    assert approvals.void_track(record, actor=manager, reason="plans edited")
    approvals.open_track(record, policy, actor=manager)

    voided = Approval.objects.get(approver=a)
    assert voided.voided_at is not None
    assert voided.history.first().history_change_reason == "void: plans edited"
    assert approvals.decide(record, actor=a, decision=APPROVED).state == "pending"
    states = [t.state for t in approvals.tracks_of(record)]
    assert sorted(states) == ["pending", "void"]


def test_every_decision_and_move_is_in_the_history(cab, manager):
    team, (a, _, _) = cab
    record = start(make_policy(("any_one", team, 1)), manager)
    approvals.decide(record, actor=a, decision=APPROVED)

    track = ApprovalTrack.objects.get()
    reasons = [h.history_change_reason for h in track.history.order_by("history_id")]
    assert reasons == ["approval requested under P high", "step 1 approved"]
    assert Approval.history.get().history_user == a


def test_the_database_refuses_a_second_decision_by_the_same_approver(cab, manager):
    team, (a, _, _) = cab
    record = start(make_policy(("n_of", team, 2)), manager)
    approvals.decide(record, actor=a, decision=APPROVED)
    track = ApprovalTrack.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Approval.objects.create(track=track, step=track.step, approver=a, decision=APPROVED)


def test_a_policy_needs_steps(manager):
    policy = ApprovalPolicy.objects.create(record_type="itsm.service", key="low", name="Empty")
    with pytest.raises(Refused) as refused:
        approvals.policy_for(Service, "low")
    assert refused.value.code == "no_approval_policy"
    policy.is_active = False
    policy.save()
    with pytest.raises(Refused):
        approvals.policy_for(Service, "low")


def test_policy_for_finds_the_policy_by_record_type_and_key(cab):
    team, _ = cab
    policy = make_policy(("any_one", team, 1), key="medium")
    assert approvals.policy_for(Service, "medium") == policy


def test_the_inbox_costs_the_same_whatever_its_size(cab, manager):
    team, (a, _, _) = cab
    policy = make_policy(("any_one", team, 1))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            rows = [(t.step.describe(), t.policy.name) for t in approvals.inbox(a)]
        return len(rows), len(ctx.captured_queries)

    start(policy, manager)
    one = count()
    for _ in range(5):
        start(policy, manager)
    assert one == (1, 1)
    assert count() == (6, 1)


def test_reminders_find_steps_waiting_too_long(cab, manager):
    team, _ = cab
    record = start(make_policy(("any_one", team, 1)), manager)
    track = ApprovalTrack.objects.get()
    track.step_opened_at = timezone.now() - timedelta(hours=30)
    track.save()

    assert list(approvals.waiting_longer_than(timedelta(hours=24))) == [track]
    track.reminded_at = timezone.now()
    track.save()
    assert list(approvals.waiting_longer_than(timedelta(hours=24))) == []
    assert approvals.approvers_of(track) == list(team.members.all())
    assert record.pk == track.object_id


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("decisions", [(APPROVED, APPROVED), (APPROVED, REJECTED)])
def test_concurrent_decisions_on_the_last_approval_resolve_once(cab, manager, decisions):
    """T14-T16: two approvers decide the last approval at once; exactly one ending."""
    if connection.vendor != "postgresql":
        pytest.skip("real row locks need PostgreSQL")
    team, (a, b, _) = cab
    record = start(make_policy(("any_one", team, 1)), manager)
    barrier = threading.Barrier(2)
    outcomes = []

    def run(actor, decision):
        close_old_connections()
        try:
            barrier.wait(timeout=5)
            with transaction.atomic():
                Service.objects.select_for_update().get(pk=record.pk)
                track = approvals.decide(record, actor=actor, decision=decision, comment="c")
                outcomes.append(track.state)
        except Refused as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=pair) for pair in zip((a, b), decisions, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outcomes) == 2
    assert "no_pending_approval" in outcomes
    assert ApprovalTrack.objects.get().state in ("approved", "rejected")
    assert Approval.objects.count() == 1


def test_a_manager_step_waits_for_the_subjects_line_manager(cab, manager):
    team, (a, _, _) = cab
    employee = UserFactory(username="report")
    Profile.objects.create(user=employee, manager=manager)
    record = ServiceFactory()
    approvals.open_track(
        record,
        make_policy(("manager", None, 1), ("any_one", team, 1)),
        actor=employee,
        subject=employee,
    )

    assert [t.object_id for t in approvals.inbox(manager)] == [record.pk]
    assert list(approvals.inbox(a)) == []
    with pytest.raises(Refused) as refused:
        approvals.decide(record, actor=a, decision=APPROVED)
    assert refused.value.code == "not_an_approver"
    track = approvals.decide(record, actor=manager, decision=APPROVED)
    assert track.state == "pending" and track.step.kind == "any_one"
    assert approvals.approvers_of(track) == list(team.members.all())


def test_a_manager_step_is_refused_when_the_subject_has_no_manager(manager):
    employee = UserFactory(username="orphan")
    record = ServiceFactory()

    with pytest.raises(Refused) as refused:
        approvals.open_track(
            record, make_policy(("manager", None, 1)), actor=manager, subject=employee
        )

    assert refused.value.code == "no_manager"
    assert not ApprovalTrack.objects.exists()
