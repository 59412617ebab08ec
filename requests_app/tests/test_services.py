"""Submitting, approving, fulfilling through tasks, confirming, closing, cancelling."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from itsm.errors import Refused
from itsm.models import ApprovalPolicy, Team
from requests_app import services
from requests_app.choices import Status, TaskStatus
from requests_app.models import ServiceRequest
from requests_app.tests.factories import decide, make_item, make_request, setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return setup()


def work(task, actor, *names):
    for name in names:
        services.task_transition(task_id=task.pk, name=name, actor=actor)


def test_an_item_without_approval_is_approved_at_once_with_its_tasks(users):
    request = make_request(requester=users["emma"])

    assert request.number.startswith("REQ") and len(request.number) == 10
    assert request.status == Status.APPROVED
    assert [(t.title, t.order, t.status) for t in request.tasks.all()] == [
        ("Prepare", 1, TaskStatus.OPEN),
        ("Deliver", 2, TaskStatus.OPEN),
    ]
    assert request.answers == {"model": "Standard"}
    assert [q["key"] for q in request.questions] == ["model", "why_power"]


def test_tasks_run_in_order_and_drive_the_request_to_closed(users):
    sam, emma = users["sam"], users["emma"]
    request = make_request(requester=emma)
    first, second = request.tasks.all()

    with pytest.raises(Refused) as refused:
        work(second, sam, "start")
    assert refused.value.code == "task_predecessors_unfinished"

    work(first, sam, "start")
    request.refresh_from_db()
    assert request.status == Status.IN_FULFILMENT and request.responded_at is not None
    first.refresh_from_db()
    assert first.assignee == sam
    work(first, sam, "done")
    work(second, sam, "start", "done")

    request.refresh_from_db()
    assert request.status == Status.FULFILLED and request.fulfilled_at is not None
    request = services.request_transition(request_id=request.pk, name="confirm", actor=emma)
    assert request.status == Status.CLOSED and request.confirmed_at is not None


def test_parallel_tasks_and_a_cancelled_task_still_fulfil(users):
    sam = users["sam"]
    item = make_item(tasks=(("Order", 1), ("Image", 1), ("Hand over", 2)))
    request = make_request(requester=users["emma"], item=item)
    order, image, hand_over = request.tasks.all()

    work(order, sam, "start")
    work(image, sam, "start", "done")
    services.task_transition(task_id=order.pk, name="cancel", actor=sam, reason="in stock")
    work(hand_over, sam, "start", "done")

    request.refresh_from_db()
    assert request.status == Status.FULFILLED


def test_all_tasks_cancelled_does_not_fulfil(users):
    sam = users["sam"]
    request = make_request(requester=users["emma"], item=make_item(tasks=(("Only", 1),)))
    (task,) = request.tasks.all()

    services.task_transition(task_id=task.pk, name="cancel", actor=sam, reason="nothing to do")

    request.refresh_from_db()
    assert request.status == Status.APPROVED
    with pytest.raises(Refused) as refused:
        services.request_transition(request_id=request.pk, name="fulfil", actor=sam)
    assert refused.value.code == "request_tasks_unfinished"


def test_assigning_a_task_needs_a_member_of_its_group(users):
    request = make_request(requester=users["emma"])
    task = request.tasks.first()

    with pytest.raises(Refused) as refused:
        services.task_transition(
            task_id=task.pk, name="assign", actor=users["sam"], assignee=users["ravi"].pk
        )
    assert refused.value.code == "task_assignee_not_in_group"
    task = services.task_transition(
        task_id=task.pk, name="assign", actor=users["sam"], assignee=users["dana"].pk
    )
    assert task.assignee == users["dana"]


def test_manager_approval_then_tasks(users):
    emma, chris, eli = users["emma"], users["chris"], users["eli"]
    item = make_item(approval="manager")
    request = make_request(requester=emma, item=item)
    assert request.status == Status.AWAITING_APPROVAL
    assert not request.tasks.exists()

    with pytest.raises(Refused) as refused:
        services.request_transition(request_id=request.pk, name="approve", actor=eli)
    assert refused.value.code == "not_permitted"
    request = decide(request, "approve", chris)

    assert request.status == Status.APPROVED and request.approved_at is not None
    assert request.tasks.count() == 2


def test_manager_then_group_in_sequence(users):
    team = Team.objects.get(name="HR Systems")
    item = make_item(approval="manager_then_group", approver_group=team)
    request = make_request(requester=users["emma"], item=item)

    request = decide(request, "approve", users["chris"])
    assert request.status == Status.AWAITING_APPROVAL
    with pytest.raises(Refused):
        services.request_transition(request_id=request.pk, name="approve", actor=users["chris"])
    request = decide(request, "approve", users["hana"])
    assert request.status == Status.APPROVED


def test_each_step_s_approvers_hear_when_it_opens(users, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    team = Team.objects.get(name="HR Systems")
    item = make_item(approval="manager_then_group", approver_group=team)
    request = make_request(requester=users["emma"], item=item)
    mail.outbox.clear()

    decide(request, "approve", users["chris"])

    asked = [m.to for m in mail.outbox if "waits for your approval" in m.subject]
    assert asked == [[users["hana"].email]]


def test_rejection_keeps_the_reason_for_the_requester(users):
    request = make_request(requester=users["emma"], item=make_item(approval="manager"))

    request = decide(request, "reject", users["chris"], reason="Use a spare one.")

    assert request.status == Status.REJECTED
    assert request.outcome_reason == "Use a spare one."


def test_nobody_approves_a_request_they_made_or_one_made_for_them(users):
    chris, emma = users["chris"], users["emma"]
    team = Team.objects.get(name="HR Systems")
    team.members.add(emma)
    item = make_item(approval="manager_then_group", approver_group=team)
    request = make_request(requester=chris, item=item, requested_for=emma)

    with pytest.raises(Refused) as refused:
        services.request_transition(request_id=request.pk, name="approve", actor=chris)
    assert refused.value.code == "approver_conflict"
    assert "requested it" in refused.value.message

    # Her own manager approved it elsewhere: the group step may not be decided by her.
    request2 = make_request(requester=emma, item=item)
    decide(request2, "approve", chris)
    with pytest.raises(Refused) as refused:
        services.request_transition(request_id=request2.pk, name="approve", actor=emma)
    assert refused.value.code == "approver_conflict"


def test_who_may_request_for_whom(users):
    item = make_item()
    with pytest.raises(Refused) as refused:
        make_request(requester=users["emma"], item=item, requested_for=users["eli"])
    assert refused.value.code == "request_for_not_permitted"

    by_manager = make_request(requester=users["chris"], item=item, requested_for=users["emma"])
    by_desk = make_request(requester=users["sam"], item=item, requested_for=users["hana"])

    assert by_manager.requested_for == users["emma"]
    assert by_desk.requested_for == users["hana"]


def test_a_manager_approval_for_someone_without_a_manager_is_refused_up_front(users):
    from itsm.models import Profile

    Profile.objects.filter(user=users["hana"]).update(manager=None)
    item = make_item(approval="manager")

    with pytest.raises(ValidationError) as invalid:
        make_request(requester=users["hana"], item=item)

    assert "no line manager" in invalid.value.message_dict["requested_for"][0]
    assert not ServiceRequest.objects.exists()


def test_invalid_answers_write_nothing_and_hidden_answers_are_dropped(users):
    item = make_item()
    with pytest.raises(ValidationError) as invalid:
        make_request(requester=users["emma"], item=item, answers={"model": "Power"})
    assert invalid.value.message_dict == {"answers.why_power": ["This question needs an answer."]}
    assert not ServiceRequest.objects.exists()

    request = make_request(
        requester=users["emma"], item=item, answers={"model": "Standard", "why_power": "x"}
    )
    assert request.answers == {"model": "Standard"}


def test_an_item_the_user_may_not_request(users):
    from django.contrib.auth.models import Group

    item = make_item()
    item.audience.add(Group.objects.get(name="service_desk"))

    with pytest.raises(Refused) as refused:
        make_request(requester=users["emma"], item=item)
    assert refused.value.code == "request_item_unavailable"
    assert make_request(requester=users["sam"], item=item).pk


def test_cancel_rules(users):
    emma, sam = users["emma"], users["sam"]
    early = make_request(requester=emma)
    early = services.request_transition(
        request_id=early.pk, name="cancel", actor=emma, reason="Not needed"
    )
    assert early.status == Status.CANCELLED and early.outcome_reason == "Not needed"
    assert set(early.tasks.values_list("status", flat=True)) == {TaskStatus.CANCELLED}

    started = make_request(requester=emma)
    work(started.tasks.first(), sam, "start")
    with pytest.raises(Refused) as refused:
        services.request_transition(request_id=started.pk, name="cancel", actor=emma, reason="x")
    assert refused.value.code == "not_permitted"
    started = services.request_transition(
        request_id=started.pk, name="cancel", actor=sam, reason="Duplicate"
    )
    assert started.status == Status.CANCELLED


def test_cancel_while_awaiting_approval_voids_the_track(users):
    from itsm.models import ApprovalTrack

    request = make_request(requester=users["emma"], item=make_item(approval="manager"))

    services.request_transition(
        request_id=request.pk, name="cancel", actor=users["emma"], reason="x"
    )

    assert ApprovalTrack.objects.get().state == ApprovalTrack.State.VOID


def fulfilled(users):
    request = make_request(requester=users["emma"], item=make_item(tasks=(("Only", 1),)))
    work(request.tasks.get(), users["sam"], "start", "done")
    request.refresh_from_db()
    return request


def test_the_job_closes_only_after_the_confirmation_window(users, settings):
    request = fulfilled(users)
    assert services.request_auto_close_due() == []

    later = timezone.now() + timedelta(days=settings.REQUEST_CONFIRMATION_DAYS, seconds=1)
    ServiceRequest.objects.filter(pk=request.pk).update(
        fulfilled_at=timezone.now() - timedelta(days=settings.REQUEST_CONFIRMATION_DAYS, hours=1)
    )
    assert services.request_auto_close_due(now=later) == [request.number]
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.confirmed_at is None


def test_sla_clocks_from_the_default_policy_pause_while_awaiting_approval(users):
    from requests_app import sla

    plain = make_request(requester=users["emma"])
    assert plain.sla_policy is not None and plain.sla_policy.kind == "request"
    assert plain.response_due_at is not None and plain.resolution_due_at is not None

    waiting = make_request(requester=users["emma"], item=make_item(approval="manager"))
    assert waiting.sla_pauses.get().ended_at is None
    assert sla.clocks(waiting)["resolution"].is_paused
    waiting = decide(waiting, "approve", users["chris"])
    assert waiting.sla_pauses.get().ended_at is not None

    done = fulfilled(users)
    clocks = sla.clocks(done)
    assert clocks["response"].stopped_at == done.responded_at
    assert clocks["resolution"].stopped_at == done.fulfilled_at


def test_the_item_policy_follows_its_rule(users):
    from itsm.audit import system_user

    team = Team.objects.get(name="HR Systems")
    item = make_item(approval="manager")
    policy = ApprovalPolicy.objects.get(key=item.policy_key)
    assert [s.kind for s in policy.steps.all()] == ["manager"]
    make_request(requester=users["emma"], item=item)

    item.approval, item.approver_group = "manager_then_group", team
    services.catalog_item_save(item=item, actor=system_user())
    policy = ApprovalPolicy.objects.get(key=item.policy_key)
    assert [(s.kind, s.group_id) for s in policy.steps.all()] == [
        ("manager", None),
        ("any_one", team.pk),
    ]
    assert ApprovalPolicy.objects.filter(key__startswith=f"{item.policy_key}-r").count() == 1
    assert policy.history.exists()

    item.approval = "none"
    services.catalog_item_save(item=item, actor=system_user())
    assert not ApprovalPolicy.objects.get(key=item.policy_key).is_active


def test_the_desk_may_close_a_fulfilled_request(users):
    request = fulfilled(users)

    request = services.request_transition(request_id=request.pk, name="close", actor=users["sam"])

    assert request.status == Status.CLOSED
