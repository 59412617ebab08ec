"""Reminders with a moved clock: the emergency retrospective-approval deadline, approval
steps waiting too long, the start and the late start or end of a change."""

from datetime import timedelta

import pytest
from django.core import mail

from changes import services
from changes.tasks import (
    change_approval_reminders,
    change_retrospective_reminders,
    change_schedule_reminders,
)
from changes.tests.factories import make_change, setup
from itsm.approvals import pending_track
from itsm.testing.clock import install_clock

pytestmark = pytest.mark.django_db


def test_an_overdue_retrospective_approval_reminds_the_change_manager_daily_until_approved(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    users = setup()
    clock = install_clock(monkeypatch)
    chris = users["chris"]
    change = make_change(requested_by=users["sam"], change_manager=chris)
    services.change_transition(
        change_id=change.pk, name="submit_emergency", actor=chris, reason="Outage."
    )
    services.change_transition(
        change_id=change.pk, name="implement_without_approval", actor=chris, reason="No answer."
    )

    clock.advance(hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        assert change_retrospective_reminders.apply().get() == 0

    clock.advance(hours=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert change_retrospective_reminders.apply().get() == 1
        change_retrospective_reminders.apply().get()
    assert [m.to for m in mail.outbox] == [[chris.email]]
    assert "retrospective" in mail.outbox[0].subject.lower()

    services.change_transition(
        change_id=change.pk, name="approve", actor=users["alex"], reason="ok"
    )
    clock.advance(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert change_retrospective_reminders.apply().get() == 0


def _submitted(users, **fields):
    """A change (requested by sam) awaiting CAB authorisation."""
    change = make_change(requested_by=users["sam"], **fields)
    services.change_transition(change_id=change.pk, name="submit", actor=users["sam"])
    services.change_transition(
        change_id=change.pk, name="request_authorisation", actor=users["chris"]
    )
    return change


def test_approvers_hear_when_a_step_opens_and_the_next_step_when_it_opens(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    users = setup()
    change = make_change(requested_by=users["sam"])
    services.change_transition(change_id=change.pk, name="submit", actor=users["sam"])
    services.change_override_risk(
        change_id=change.pk, actor=users["chris"], risk="high", reason="Payroll week."
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_transition(
            change_id=change.pk, name="request_authorisation", actor=users["chris"]
        )
    assert [sorted(m.to) for m in mail.outbox] == [["alex@example.com", "avery@example.com"]]
    for name in ("alex", "avery"):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.change_transition(
                change_id=change.pk, name="approve", actor=users[name], reason="ok"
            )
    assert [m.to for m in mail.outbox] == [["chris@example.com"]]
    assert "waits for your approval" in mail.outbox[0].subject


def test_a_step_waiting_too_long_reminds_its_remaining_approvers_once_per_period(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CHANGE_APPROVAL_REMINDER_HOURS = 24
    users = setup()
    clock = install_clock(monkeypatch)
    change = _submitted(users, risk_answers={"users_affected": 5000, "backout_tested": False})
    assert change.risk == "medium"
    services.change_transition(
        change_id=change.pk, name="approve", actor=users["alex"], reason="ok"
    )

    clock.advance(hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        assert change_approval_reminders.apply().get() == 0
    clock.advance(hours=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert change_approval_reminders.apply().get() == 1
        assert change_approval_reminders.apply().get() == 0
    assert [m.to for m in mail.outbox] == [["avery@example.com"]]
    assert "Reminder" in mail.outbox[0].subject
    track = pending_track(change)
    assert track.reminded_at == clock.now
    assert track.history.first().history_change_reason.startswith("approvers reminded")

    clock.advance(hours=25)
    with django_capture_on_commit_callbacks(execute=True):
        assert change_approval_reminders.apply().get() == 1


def test_the_implementer_hears_before_the_start_and_both_when_it_runs_late(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CHANGE_START_REMINDER_HOURS = 24
    users = setup()
    clock = install_clock(monkeypatch)
    start = clock.now + timedelta(days=3)
    change = _submitted(
        users,
        implementer=users["ravi"],
        change_manager=users["chris"],
        planned_start=start,
        planned_end=start + timedelta(hours=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.change_transition(
            change_id=change.pk, name="approve", actor=users["alex"], reason="ok"
        )
    change.refresh_from_db()
    assert change.status == "scheduled"

    def run():
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            count = change_schedule_reminders.apply().get()
        with django_capture_on_commit_callbacks(execute=True):
            assert change_schedule_reminders.apply().get() == 0
        return count, [sorted(m.to) for m in mail.outbox]

    assert run() == (0, [])
    clock.advance(days=2, hours=1)
    assert run() == (1, [["ravi@example.com"]])
    clock.advance(hours=23)
    assert run() == (1, [["chris@example.com", "ravi@example.com"]])
    services.change_transition(change_id=change.pk, name="start", actor=users["sam"])
    assert run() == (0, [])
    clock.advance(hours=2)
    assert run() == (1, [["chris@example.com", "ravi@example.com"]])
    assert "not ended" in mail.outbox[0].subject
    services.change_transition(change_id=change.pk, name="complete", actor=users["sam"])
    clock.advance(hours=2)
    assert run() == (0, [])
