"""Postmortem lifecycle: draft -> in review -> published through the approvals engine."""

import pytest

from itsm.errors import Refused
from itsm.models import ApprovalTrack
from postmortems import services
from postmortems.choices import Status
from postmortems.tests.factories import make_postmortem, publish

pytestmark = pytest.mark.django_db


def _run(postmortem, name, actor, **params):
    return services.postmortem_transition(
        postmortem_id=postmortem.pk, name=name, actor=actor, **params
    )


def test_the_owner_group_of_the_service_signs_off_and_it_is_published(people):
    postmortem = make_postmortem(people)
    postmortem = _run(postmortem, "submit", people["ravi"])
    assert postmortem.status == Status.IN_REVIEW
    track = ApprovalTrack.objects.get(object_id=postmortem.pk)
    assert track.policy.key.startswith("service-") and track.state == "pending"

    postmortem = _run(postmortem, "approve", people["nina"])

    assert postmortem.status == Status.PUBLISHED and postmortem.published_at
    track.refresh_from_db()
    assert track.state == "approved"
    transitions = list(postmortem.history.values_list("history_transition", flat=True))
    assert {"submit", "approve", "publish"} <= set(transitions)


def test_a_draft_without_summary_and_root_cause_is_not_sent(people):
    postmortem = make_postmortem(people, complete=False)
    with pytest.raises(Refused) as refused:
        _run(postmortem, "submit", people["ravi"])
    assert refused.value.code == "postmortem_incomplete"


@pytest.mark.parametrize("who", ["ravi", "emma", "sam"])
def test_only_the_waiting_approvers_decide(people, who):
    postmortem = make_postmortem(people)
    _run(postmortem, "submit", people["ravi"])
    with pytest.raises(Refused) as refused:
        _run(postmortem, "approve", people[who])
    assert refused.value.code == "not_permitted"


def test_the_owner_may_not_approve_even_in_the_owner_group(people):
    postmortem = make_postmortem(people)
    services.postmortem_update(
        postmortem_id=postmortem.pk, actor=people["ravi"], changes={"owner": people["nina"]}
    )
    _run(postmortem, "submit", people["nina"])
    with pytest.raises(Refused) as refused:
        _run(postmortem, "approve", people["nina"])
    assert refused.value.code == "approver_conflict"


def test_a_rejection_returns_it_to_draft_and_it_can_be_sent_again(people):
    postmortem = make_postmortem(people)
    _run(postmortem, "submit", people["ravi"])
    with pytest.raises(Refused):
        _run(postmortem, "reject", people["nina"])
    postmortem = _run(postmortem, "reject", people["nina"], reason="Name the monitoring gap.")
    assert postmortem.status == Status.DRAFT
    postmortem = _run(postmortem, "submit", people["ravi"])
    assert postmortem.status == Status.IN_REVIEW


def test_withdrawing_voids_the_sign_off(people):
    postmortem = make_postmortem(people)
    _run(postmortem, "submit", people["ravi"])
    postmortem = _run(postmortem, "withdraw", people["ravi"], reason="More to add.")
    assert postmortem.status == Status.DRAFT
    assert ApprovalTrack.objects.get(object_id=postmortem.pk).state == "void"


@pytest.mark.parametrize("name", ["publish", "return_to_draft"])
def test_the_engine_transitions_need_an_ended_track(people, name):
    postmortem = make_postmortem(people)
    _run(postmortem, "submit", people["ravi"])
    with pytest.raises(Refused):
        _run(postmortem, name, people["ravi"])


def test_no_policy_for_the_service_and_no_default_refuses_the_submit(people):
    from itsm.models import ApprovalPolicy

    postmortem = make_postmortem(people)
    ApprovalPolicy.objects.filter(record_type="postmortems.postmortem").update(is_active=False)
    with pytest.raises(Refused) as refused:
        _run(postmortem, "submit", people["ravi"])
    assert refused.value.code == "no_approval_policy"
    postmortem.refresh_from_db()
    assert postmortem.status == Status.DRAFT


def test_published_is_read_only_except_action_item_progress(people):
    postmortem = make_postmortem(people)
    item = services.action_item_add(
        postmortem_id=postmortem.pk, actor=people["ravi"], title="Alert on expiry"
    )
    publish(people, postmortem)
    with pytest.raises(Refused) as refused:
        services.postmortem_update(
            postmortem_id=postmortem.pk, actor=people["ravi"], changes={"summary": "x"}
        )
    assert refused.value.code == "postmortem_read_only"
    with pytest.raises(Refused):
        services.action_item_add(postmortem_id=postmortem.pk, actor=people["ravi"], title="More")
    with pytest.raises(Refused):
        services.timeline_entry_update(
            entry_id=postmortem.timeline.first().pk, actor=people["ravi"], text="x"
        )

    item = services.action_item_progress(item_id=item.pk, actor=people["ravi"], status="done")
    assert item.status == "done"


def test_employees_may_not_move_action_items(people):
    postmortem = make_postmortem(people)
    item = services.action_item_add(postmortem_id=postmortem.pk, actor=people["ravi"], title="A")
    with pytest.raises(Refused):
        services.action_item_progress(item_id=item.pk, actor=people["emma"], status="done")
