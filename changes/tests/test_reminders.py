"""The emergency retrospective-approval deadline, with a moved clock."""

import pytest
from django.core import mail

from changes import services
from changes.tasks import change_retrospective_reminders
from changes.tests.factories import make_change, setup
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
