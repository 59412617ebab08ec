"""The portal approvals inbox: what an approver sees, and deciding from it."""

import pytest
from django.test import Client
from django.urls import reverse

from changes import services
from changes.models import Change
from changes.tests.factories import make_change, setup
from itsm.models import Approval

pytestmark = pytest.mark.django_db

MEDIUM = {"users_affected": 5000, "backout_tested": False}


@pytest.fixture
def users():
    return setup()


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def waiting(users, **fields):
    chris = users["chris"]
    change = make_change(requested_by=chris, risk_answers=MEDIUM, **fields)
    services.change_transition(change_id=change.pk, name="submit", actor=chris)
    return services.change_transition(
        change_id=change.pk, name="request_authorisation", actor=chris
    )


def test_the_inbox_shows_plans_risk_schedule_and_conflicts(users):
    change = waiting(users)
    page = signed_in(users["alex"]).get(reverse("changes:inbox"))
    html = page.content.decode()
    assert change.number in html
    assert "Restore the snapshot" in html
    assert change.risk_rule in html
    assert "users_affected" in html
    assert "Approve " + change.number in html


def test_people_who_are_not_approvers_see_nothing_to_decide(users):
    waiting(users)
    page = signed_in(users["sam"]).get(reverse("changes:inbox"))
    assert "Nothing waits for your approval" in page.content.decode()


def test_chris_submits_alex_and_avery_approve_from_the_inbox(
    users, django_capture_on_commit_callbacks
):
    change = waiting(users)
    for name in ("alex", "avery"):
        current = Change.objects.get(pk=change.pk)
        with django_capture_on_commit_callbacks(execute=True):
            answer = signed_in(users[name]).post(
                reverse("changes:decide", args=[change.pk]),
                {"decision": "approve", "version": current.version, "comment": "Fine."},
            )
        assert answer.status_code == 302
    assert Change.objects.get(pk=change.pk).status == "scheduled"
    history = signed_in(users["alex"]).get(reverse("changes:inbox")).content.decode()
    assert "My past decisions" in history and "Fine." in history


def test_rejecting_from_the_inbox_needs_a_comment(users):
    change = waiting(users)
    answer = signed_in(users["alex"]).post(
        reverse("changes:decide", args=[change.pk]),
        {"decision": "reject", "version": change.version, "comment": ""},
    )
    assert answer.status_code == 400
    assert not Approval.objects.exists()


def test_a_stale_page_is_refused(users):
    change = waiting(users)
    answer = signed_in(users["alex"]).post(
        reverse("changes:decide", args=[change.pk]),
        {"decision": "approve", "version": change.version - 1, "comment": ""},
    )
    assert answer.status_code == 409
    assert not Approval.objects.exists()


def test_employees_cannot_reach_a_change_from_the_inbox(users):
    change = waiting(users)
    answer = signed_in(users["emma"]).post(
        reverse("changes:decide", args=[change.pk]), {"decision": "approve", "version": 1}
    )
    assert answer.status_code == 404
