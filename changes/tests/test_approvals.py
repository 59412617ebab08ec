"""The approvals engine through the change: policy by risk, quorum, sequence, rejection,
voiding on a scope edit, separation of duties through every interface, stale versions."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from changes import services
from changes.models import Change
from changes.tests.factories import make_change, make_item, setup
from itsm.approvals import pending_track
from itsm.errors import Refused
from itsm.models import Approval, ApprovalTrack

pytestmark = pytest.mark.django_db

HIGH = {"users_affected": 5000, "backout_tested": False}


@pytest.fixture
def users():
    return setup()


def in_authorisation(users, *, requested_by=None, risk_answers=None, **fields):
    change = make_change(
        requested_by=requested_by or users["chris"],
        risk_answers=risk_answers or {"users_affected": 10, "backout_tested": True},
        **fields,
    )
    chris = users["chris"]
    services.change_transition(change_id=change.pk, name="submit", actor=chris)
    return services.change_transition(
        change_id=change.pk, name="request_authorisation", actor=chris
    )


def decide(change, user, name="approve", **params):
    return services.change_transition(
        change_id=change.pk, name=name, actor=user, reason=params.pop("reason", "ok"), **params
    )


def test_a_low_risk_change_is_authorised_by_any_one_cab_member(
    users, django_capture_on_commit_callbacks
):
    change = in_authorisation(users)
    assert change.risk == "low"

    with django_capture_on_commit_callbacks(execute=True):
        decide(change, users["alex"])

    change.refresh_from_db()
    assert change.status == "scheduled"
    last = change.history.order_by("-history_id").first()
    assert (last.history_transition, last.history_user.username) == ("authorise", "system")


def test_a_medium_risk_change_waits_for_two(users, django_capture_on_commit_callbacks):
    change = in_authorisation(users, risk_answers={"users_affected": 5000, "backout_tested": False})
    assert change.risk == "medium"

    with django_capture_on_commit_callbacks(execute=True):
        decide(change, users["alex"])
    assert Change.objects.get(pk=change.pk).status == "authorisation"
    with django_capture_on_commit_callbacks(execute=True):
        decide(change, users["avery"])
    assert Change.objects.get(pk=change.pk).status == "scheduled"


def test_a_high_risk_change_needs_two_cab_members_then_the_change_manager(users):
    sam = users["sam"]
    critical = make_item("core-switch", criticality="critical")
    change = in_authorisation(
        users,
        requested_by=sam,
        outage_expected=True,
        risk_answers=HIGH,
        configuration_items=[critical],
    )
    assert change.risk == "high"
    decide(change, users["alex"])
    decide(change, users["avery"])
    track = pending_track(change)
    assert track.step.kind == "person" and track.step.person == users["chris"]
    with pytest.raises(Refused) as refused:
        decide(Change.objects.get(pk=change.pk), users["alex"])
    assert refused.value.code == "not_permitted"
    decide(Change.objects.get(pk=change.pk), users["chris"])
    assert approval_state(change) == "approved"


def approval_state(change):
    return ApprovalTrack.objects.filter(object_id=change.pk).order_by("-id").first().state


def test_one_rejection_rejects_the_change(users, django_capture_on_commit_callbacks):
    change = in_authorisation(users, risk_answers={"users_affected": 5000, "backout_tested": False})
    decide(change, users["alex"])
    with django_capture_on_commit_callbacks(execute=True):
        decide(change, users["avery"], name="reject", reason="No backout test.")
    change.refresh_from_db()
    assert change.status == "rejected"
    rejection = Approval.objects.get(approver=users["avery"])
    assert (rejection.decision, rejection.comment) == ("rejected", "No backout test.")


def test_rejecting_needs_a_comment(users):
    change = in_authorisation(users)
    with pytest.raises(Refused) as refused:
        services.change_transition(change_id=change.pk, name="reject", actor=users["alex"])
    assert refused.value.code == "reason_required"


def test_the_requester_may_not_approve_and_the_refusal_names_the_rule(users):
    change = in_authorisation(users, requested_by=users["alex"])
    with pytest.raises(Refused) as refused:
        decide(change, users["alex"])
    assert refused.value.code == "approver_conflict"
    assert "requested it" in refused.value.message
    assert not Approval.objects.exists()


def test_the_implementer_may_not_approve(users):
    change = in_authorisation(users, implementer=users["avery"])
    with pytest.raises(Refused) as refused:
        decide(change, users["avery"])
    assert "implements it" in refused.value.message


def test_the_requester_is_refused_through_the_api(users):
    change = in_authorisation(users, requested_by=users["alex"])
    client = APIClient()
    client.force_authenticate(users["alex"])

    response = client.post(
        f"/api/v1/changes/{change.pk}/approve/", {"version": change.version}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "approver_conflict"
    assert not Approval.objects.exists()


def test_the_requester_is_refused_through_the_admin(users):
    change = in_authorisation(users, requested_by=users["alex"])
    client = Client()
    client.force_login(users["alex"])
    url = reverse("admin:changes_change_transition", args=[change.pk, "approve"])

    response = client.post(url, {"expected_version": change.version})

    assert response.status_code == 403
    assert b"requested it" in response.content
    assert not Approval.objects.exists()


def test_the_requester_is_refused_from_the_inbox(users):
    change = in_authorisation(users, requested_by=users["alex"])
    client = Client()
    client.force_login(users["alex"])

    response = client.post(
        reverse("changes:decide", args=[change.pk]),
        {"decision": "approve", "version": change.version, "comment": ""},
    )

    assert response.status_code == 403
    assert b"requested it" in response.content
    assert not Approval.objects.exists()


def test_approving_a_stale_version_is_refused(users):
    change = in_authorisation(users)
    stale = change.version
    services.change_comment_add(change_id=change.pk, actor=users["chris"], body="note")
    services.change_update(
        change_id=change.pk,
        actor=users["chris"],
        changes={"title": "Renamed"},
        expected_version=stale,
    )
    with pytest.raises(Refused) as refused:
        services.change_transition(
            change_id=change.pk, name="approve", actor=users["alex"], expected_version=stale
        )
    assert refused.value.code == "stale_version"


def test_a_scope_edit_voids_the_approvals_and_returns_to_assessment(users):
    change = in_authorisation(users, risk_answers={"users_affected": 5000, "backout_tested": False})
    decide(change, users["alex"])
    change.refresh_from_db()

    services.change_update(
        change_id=change.pk,
        actor=users["chris"],
        changes={"planned_end": change.planned_end + timedelta(hours=1)},
        expected_version=change.version,
    )

    change.refresh_from_db()
    assert change.status == "assessment"
    assert Approval.objects.get().voided_at is not None
    assert approval_state(change) == "void"
    last = change.history.order_by("-history_id").first()
    assert last.history_transition == "return_to_assessment"
    assert "planned_end" in last.history_change_reason


def test_a_scope_edit_in_emergency_authorisation_voids_the_approvals_and_asks_again(users):
    from itsm.models import ApprovalPolicy

    step = ApprovalPolicy.objects.get(key="emergency").steps.get()
    step.kind, step.required = "n_of", 2
    step.save()
    change = make_change(requested_by=users["sam"])
    services.change_transition(
        change_id=change.pk, name="submit_emergency", actor=users["chris"], reason="Outage."
    )
    decide(change, users["alex"])
    change.refresh_from_db()

    services.change_update(
        change_id=change.pk,
        actor=users["chris"],
        changes={"backout_plan": "Fail over to the standby first."},
        expected_version=change.version,
    )

    change.refresh_from_db()
    assert change.status == "emergency_authorisation"
    assert Approval.objects.get().voided_at is not None
    tracks = ApprovalTrack.objects.order_by("pk")
    assert [t.state for t in tracks] == ["void", "pending"]
    assert tracks[0].ended_reason == "scope edited: backout_plan"
    assert tracks[1].approvals.count() == 0
    assert pending_track(change).pk == tracks[1].pk


def test_an_edit_outside_the_scope_keeps_the_approvals(users):
    change = in_authorisation(users, risk_answers={"users_affected": 5000, "backout_tested": False})
    decide(change, users["alex"])
    change.refresh_from_db()
    services.change_update(
        change_id=change.pk,
        actor=users["chris"],
        changes={"title": "Clearer title"},
        expected_version=change.version,
    )
    assert Change.objects.get(pk=change.pk).status == "authorisation"
    assert Approval.objects.get().voided_at is None


def test_an_emergency_change_implemented_before_approval_waits_for_a_retrospective_one(users):
    change = make_change(requested_by=users["sam"], implementer=users["ravi"])
    chris = users["chris"]
    services.change_transition(
        change_id=change.pk, name="submit_emergency", actor=chris, reason="Exploit in the wild."
    )
    services.change_transition(
        change_id=change.pk,
        name="implement_without_approval",
        actor=chris,
        reason="Nobody answered in 30 minutes.",
    )
    change.refresh_from_db()
    assert change.status == "implementing"
    assert change.retrospective_due_at is not None
    from changes.selectors import overdue_retrospectives

    later = change.retrospective_due_at + timedelta(minutes=1)
    assert list(overdue_retrospectives(now=later)) == [change]

    decide(change, users["alex"])

    change.refresh_from_db()
    assert change.retrospective_approved_at is not None
    assert change.status == "implementing"
    assert list(overdue_retrospectives(now=later)) == []
