"""Incident services: creation, edits, assignment, escalation, resolution, comments."""

import dataclasses

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from incidents import services
from incidents.choices import Status
from incidents.models import Incident, IncidentComment
from incidents.tests.factories import incident_in, make_incident, network_team
from incidents.workflow import WORKFLOW
from itsm.errors import Refused
from itsm.models import Category, NumberSequence, Team
from itsm.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db


def test_create_numbers_prioritises_and_routes(emma, network_category):
    vpn = Category.objects.create(kind="incident", name="VPN", parent=network_category)
    incident = make_incident(
        reporter=emma, category=network_category, subcategory=vpn, impact="medium", urgency="high"
    )
    assert incident.number == "INC0000001"
    assert incident.priority == 2
    assert incident.assignment_group == network_team()
    assert incident.tier == 2
    assert incident.affected_user == emma and incident.status == Status.NEW
    assert incident.response_due_at and incident.resolution_due_at
    assert incident.history.get().history_change_reason == "create"


def test_subcategory_default_group_wins_over_category(emma, network_category):
    desk = Team.objects.get(name="Service Desk")
    wifi = Category.objects.create(
        kind="incident", name="Wi-Fi", parent=network_category, default_group=desk
    )
    incident = make_incident(reporter=emma, category=network_category, subcategory=wifi)
    assert incident.assignment_group == desk


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"title": "   "}, "title"),
        ({"urgency": "extreme"}, "urgency"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_input_creates_nothing(emma, fields, error_field):
    with pytest.raises(ValidationError) as error:
        make_incident(reporter=emma, **fields)
    assert error_field in error.value.message_dict
    assert Incident.objects.count() == 0
    assert NumberSequence.objects.get(prefix="INC").last_value == 0


def test_subcategory_must_belong_to_category(emma, network_category):
    other = Category.objects.create(kind="incident", name="Hardware")
    laptop = Category.objects.create(kind="incident", name="Laptop", parent=other)
    with pytest.raises(ValidationError) as error:
        make_incident(reporter=emma, category=network_category, subcategory=laptop)
    assert "subcategory" in error.value.message_dict
    assert not Incident.objects.exists()


def test_category_of_another_record_kind_refused(emma):
    change_cat = Category.objects.create(kind="change", name="Firewall")
    with pytest.raises(ValidationError) as error:
        make_incident(reporter=emma, category=change_cat)
    assert "category" in error.value.message_dict


def test_employee_cannot_file_for_someone_else_or_link(emma, eli):
    theirs = make_incident(reporter=eli)
    with pytest.raises(ValidationError) as error:
        make_incident(reporter=emma, affected_user=eli, parent=theirs, duplicate_of=theirs)
    assert set(error.value.message_dict) == {"affected_user", "parent", "duplicate_of"}
    assert Incident.objects.count() == 1


def test_agent_logs_for_a_caller(sam, emma):
    incident = make_incident(reporter=sam, affected_user=emma, channel="phone")
    assert incident.reporter == sam and incident.affected_user == emma


def test_rolled_back_create_sends_nothing_and_returns_the_number(
    emma, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_incident(reporter=emma)
        raise RuntimeError("the caller fails after creating")
    assert callbacks == []
    assert not Incident.objects.exists()
    assert make_incident(reporter=emma).number == "INC0000001"


def test_commit_queues_exactly_one_logged_notification(emma, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        incident = make_incident(reporter=emma)
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["emma@example.com"]]
    assert incident.number in mail.outbox[0].subject


def test_error_after_save_leaves_no_change_and_no_history(emma, ravi, sam, monkeypatch):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    rows = incident.history.count()

    def explode(parent, actor):
        raise RuntimeError("child resolution failed")

    resolve = dataclasses.replace(WORKFLOW["resolve"], after=explode)
    monkeypatch.setitem(WORKFLOW._by_name, "resolve", resolve)
    with pytest.raises(RuntimeError):
        services.incident_transition(
            incident_id=incident.pk,
            name="resolve",
            actor=ravi,
            resolution_code="workaround",
            resolution_notes="Rebooted.",
        )
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS
    assert incident.history.count() == rows


class TestUpdate:
    def test_employee_may_edit_title_and_description_only(self, emma):
        incident = make_incident(reporter=emma)
        services.incident_update(
            incident_id=incident.pk, actor=emma, changes={"title": "Printer on fire"}
        )
        with pytest.raises(ValidationError) as error:
            services.incident_update(
                incident_id=incident.pk, actor=emma, changes={"impact": "high", "title": "x"}
            )
        assert set(error.value.message_dict) == {"impact"}
        incident.refresh_from_db()
        assert incident.title == "Printer on fire" and incident.impact == "low"
        assert incident.history.count() == 2

    def test_impact_change_recomputes_priority_and_sla(self, emma, sam):
        incident = make_incident(reporter=emma, impact="low", urgency="low")
        due = incident.resolution_due_at
        updated = services.incident_update(
            incident_id=incident.pk, actor=sam, changes={"impact": "high", "urgency": "high"}
        )
        assert updated.priority == 1
        assert updated.resolution_due_at < due
        assert updated.version == incident.version + 1

    def test_stale_version_refused(self, emma, sam, ravi):
        incident = make_incident(reporter=emma)
        services.incident_update(
            incident_id=incident.pk,
            actor=sam,
            changes={"title": "A"},
            expected_version=incident.version,
        )
        with pytest.raises(Refused) as refused:
            services.incident_update(
                incident_id=incident.pk,
                actor=ravi,
                changes={"description": "B"},
                expected_version=incident.version,
            )
        assert refused.value.code == "stale_version" and refused.value.status == 409
        incident.refresh_from_db()
        assert incident.title == "A" and incident.description != "B"

    def test_no_change_writes_no_history(self, emma):
        incident = make_incident(reporter=emma)
        services.incident_update(
            incident_id=incident.pk, actor=emma, changes={"title": incident.title}
        )
        assert incident.history.count() == 1

    def test_priority_override_needs_reason_and_is_audited(self, emma, sam):
        incident = make_incident(reporter=emma, impact="low", urgency="low")
        with pytest.raises(Refused) as refused:
            services.incident_override_priority(
                incident_id=incident.pk, actor=sam, priority=1, reason=" "
            )
        assert refused.value.code == "reason_required"
        with pytest.raises(Refused):
            services.incident_override_priority(
                incident_id=incident.pk, actor=emma, priority=1, reason="I am important"
            )
        updated = services.incident_override_priority(
            incident_id=incident.pk, actor=sam, priority=1, reason="CEO's laptop"
        )
        assert updated.priority == 1 and updated.priority_overridden
        row = updated.history.first()
        assert row.history_change_reason == "priority_override: CEO's laptop"
        assert row.priority == 1 and row.history_user == sam
        # Matrix edits no longer move an overridden priority...
        updated = services.incident_update(
            incident_id=incident.pk, actor=sam, changes={"urgency": "medium"}
        )
        assert updated.priority == 1
        # ...until the override is cleared.
        cleared = services.incident_override_priority(
            incident_id=incident.pk, actor=sam, priority=None, reason="back to matrix"
        )
        assert cleared.priority == 4 and not cleared.priority_overridden


class TestAssignAndEscalate:
    def test_assignee_must_be_in_group(self, emma, sam, nina):
        incident = make_incident(reporter=emma)
        with pytest.raises(TransitionNotAllowed) as refused:
            services.incident_transition(
                incident_id=incident.pk,
                name="assign",
                actor=sam,
                group=network_team(),
                assignee=nina,
            )
        assert refused.value.code == "assignee_not_in_group"
        assert refused.value.field == "assignee"
        incident.refresh_from_db()
        assert incident.status == Status.NEW and incident.assignee is None

    def test_assignment_to_person_meets_response_and_reassignment_counts(
        self, emma, sam, ravi, nina
    ):
        incident = make_incident(reporter=emma)
        incident = services.incident_transition(
            incident_id=incident.pk, name="assign", actor=sam, group=network_team()
        )
        assert incident.responded_at is None and incident.reassignment_count == 0
        incident = services.incident_transition(
            incident_id=incident.pk, name="assign", actor=sam, assignee=ravi
        )
        assert incident.responded_at is not None and incident.assignee == ravi
        third = Team.objects.get(name="Network Engineering (tier 3)")
        incident = services.incident_transition(
            incident_id=incident.pk, name="assign", actor=sam, group=third, assignee=nina
        )
        assert incident.reassignment_count == 1 and incident.tier == 3

    def test_functional_escalation_moves_to_next_tier(self, emma, ravi, sam):
        incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
        incident = services.incident_transition(
            incident_id=incident.pk, name="escalate", actor=ravi
        )
        assert incident.assignment_group.name == "Network Engineering (tier 3)"
        assert incident.tier == 3 and incident.assignee is None
        assert incident.status == Status.ASSIGNED
        with pytest.raises(TransitionNotAllowed) as refused:
            services.incident_transition(incident_id=incident.pk, name="escalate", actor=ravi)
        assert refused.value.code == "no_escalation_target"

    def test_hierarchical_escalation_mails_the_group_manager(
        self, emma, ravi, sam, django_capture_on_commit_callbacks
    ):
        incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            after = services.incident_transition(
                incident_id=incident.pk, name="escalate_to_manager", actor=sam, reason="VIP"
            )
        assert after.status == Status.IN_PROGRESS
        assert [m.to for m in mail.outbox] == [["ravi@example.com"]]
        assert after.history.first().history_change_reason == "escalate_to_manager: VIP"


class TestResolution:
    def test_resolving_parent_resolves_open_children(self, emma, eli, ravi, sam):
        parent = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam, major=True)
        children = [
            make_incident(reporter=sam, affected_user=eli, parent=parent),
            incident_in(Status.ON_HOLD, reporter=sam, agent=ravi, desk=sam, parent=parent),
        ]
        done = incident_in(Status.CANCELLED, reporter=sam, agent=ravi, desk=sam, parent=parent)
        services.incident_transition(
            incident_id=parent.pk,
            name="resolve",
            actor=ravi,
            resolution_code="solved_permanently",
            resolution_notes="Core switch replaced.",
        )
        for child in children:
            child.refresh_from_db()
            assert child.status == Status.RESOLVED
            assert child.resolution_code == "resolved_by_parent"
            assert parent.number in child.resolution_notes
            assert child.history.first().history_user == ravi
        done.refresh_from_db()
        assert done.status == Status.CANCELLED

    def test_reject_reopens_and_counts(self, emma, ravi, sam):
        incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
        with pytest.raises(TransitionNotAllowed) as refused:
            services.incident_transition(incident_id=incident.pk, name="reject", actor=emma)
        assert refused.value.code == "reason_required"
        incident = services.incident_transition(
            incident_id=incident.pk, name="reject", actor=emma, reason="Still no VPN."
        )
        assert incident.status == Status.IN_PROGRESS and incident.reopen_count == 1
        assert incident.resolved_at is None and incident.resolution_code == ""
        assert incident.sla_pauses.filter(reason="resolved", ended_at__isnull=False).exists()

    def test_only_the_requester_confirms(self, emma, eli, ravi, sam):
        incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
        for outsider in (eli, ravi):
            with pytest.raises(TransitionNotAllowed) as refused:
                services.incident_transition(
                    incident_id=incident.pk, name="confirm", actor=outsider
                )
            assert refused.value.code == "not_permitted" and refused.value.status == 403

    def test_close_waits_for_confirmation_or_window(self, emma, ravi, sam, clock):
        incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
        with pytest.raises(TransitionNotAllowed) as refused:
            services.incident_transition(incident_id=incident.pk, name="close", actor=sam)
        assert refused.value.code == "confirmation_pending"
        with pytest.raises(TransitionNotAllowed) as refused:
            services.incident_transition(incident_id=incident.pk, name="close", actor=ravi)
        assert refused.value.code in {"confirmation_pending", "not_permitted"}
        clock.advance(days=5)
        closed = services.incident_transition(incident_id=incident.pk, name="close", actor=sam)
        assert closed.status == Status.CLOSED and closed.closed_by == sam

    def test_nightly_auto_close_runs_as_system(self, emma, ravi, sam, clock):
        waiting = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
        clock.advance(days=2)
        fresh = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
        clock.advance(days=3, minutes=1)
        assert services.incident_auto_close_due() == [waiting.number]
        waiting.refresh_from_db()
        fresh.refresh_from_db()
        assert waiting.status == Status.CLOSED and fresh.status == Status.RESOLVED
        row = waiting.history.first()
        assert row.history_user.username == "system"
        assert row.history_change_reason == "close: confirmation window passed"
        assert services.incident_auto_close_due() == []

    def test_cancel_needs_service_desk_and_reason(self, emma, ravi, sam):
        incident = make_incident(reporter=emma)
        with pytest.raises(TransitionNotAllowed) as refused:
            services.incident_transition(
                incident_id=incident.pk, name="cancel", actor=ravi, reason="dupe"
            )
        assert refused.value.code == "not_permitted"
        cancelled = services.incident_transition(
            incident_id=incident.pk, name="cancel", actor=sam, reason="Logged twice."
        )
        assert cancelled.status == Status.CANCELLED and cancelled.sla_next_check_at is None


class TestComments:
    def test_employee_cannot_write_work_notes(self, emma):
        incident = make_incident(reporter=emma)
        with pytest.raises(Refused) as refused:
            services.incident_comment_add(
                incident_id=incident.pk, actor=emma, body="psst", visibility="internal"
            )
        assert refused.value.status == 403
        assert not IncidentComment.objects.exists()

    def test_empty_comment_refused(self, emma):
        incident = make_incident(reporter=emma)
        with pytest.raises(ValidationError):
            services.incident_comment_add(incident_id=incident.pk, actor=emma, body="  ")

    def test_first_public_staff_comment_meets_response(
        self, emma, sam, django_capture_on_commit_callbacks
    ):
        incident = make_incident(reporter=emma)
        services.incident_comment_add(
            incident_id=incident.pk, actor=sam, body="Looking", visibility="internal"
        )
        incident.refresh_from_db()
        assert incident.responded_at is None
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            comment = services.incident_comment_add(
                incident_id=incident.pk, actor=sam, body="Can you restart the laptop?"
            )
        incident.refresh_from_db()
        assert incident.responded_at == comment.created_at
        assert [m.to for m in mail.outbox] == [["emma@example.com"]]
        assert "Can you restart the laptop?" in mail.outbox[0].body

    def test_employee_comment_goes_to_the_assignee(
        self, emma, ravi, sam, django_capture_on_commit_callbacks
    ):
        incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.incident_comment_add(incident_id=incident.pk, actor=emma, body="Done.")
        assert [m.to for m in mail.outbox] == [["ravi@example.com"]]

    def test_closed_incidents_take_no_comments(self, emma, ravi, sam):
        incident = incident_in(Status.CLOSED, reporter=emma, agent=ravi, desk=sam)
        with pytest.raises(Refused) as refused:
            services.incident_comment_add(incident_id=incident.pk, actor=emma, body="Hello?")
        assert refused.value.code == "record_closed"


def test_only_staff_backdate_reports(emma, sam, clock):
    earlier = clock.now.replace(hour=8)
    with pytest.raises(ValidationError) as error:
        make_incident(reporter=emma, reported_at=earlier)
    assert "reported_at" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_incident(reporter=sam, reported_at=clock.advance(hours=1).replace(hour=23))
    assert make_incident(reporter=sam, reported_at=earlier).reported_at == earlier
