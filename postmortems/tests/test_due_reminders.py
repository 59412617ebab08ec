"""A resolved P1 major incident without a postmortem reminds its commander daily until
one is written; other major incidents get one offer. The clock is moved, not waited on."""

import pytest
from django.core import mail

from incidents.choices import Status as IncidentStatus
from itsm.testing.clock import install_clock
from postmortems import services
from postmortems.tasks import postmortem_due_reminders
from postmortems.tests.factories import major_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    return install_clock(monkeypatch)


def run(capture) -> int:
    with capture(execute=True):
        return postmortem_due_reminders.apply().get()


def test_a_p1_major_incident_reminds_its_commander_daily_until_written(
    people, clock, django_capture_on_commit_callbacks
):
    open_one = major_incident(people, status=IncidentStatus.IN_PROGRESS)
    incident = major_incident(people)
    mail.outbox.clear()

    assert run(django_capture_on_commit_callbacks) == 1
    assert run(django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [[people["ravi"].email]]
    assert "A postmortem is required" in mail.outbox[0].subject
    assert incident.number in mail.outbox[0].subject
    assert open_one.number not in mail.outbox[0].body
    assert f"/admin/incidents/incident/{incident.pk}/change/" in mail.outbox[0].body

    clock.advance(days=1)
    run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2

    services.postmortem_create(incident_id=incident.pk, actor=people["ravi"])
    clock.advance(days=1)
    assert run(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2


def test_other_major_incidents_are_offered_one_once(
    people, clock, django_capture_on_commit_callbacks
):
    major_incident(people, impact="medium", urgency="medium")
    mail.outbox.clear()

    run(django_capture_on_commit_callbacks)
    clock.advance(days=1)
    run(django_capture_on_commit_callbacks)
    assert [m.subject.split("]")[1].split(":")[0].strip() for m in mail.outbox] == [
        "You may write a postmortem"
    ]

    clock.advance(days=7)
    assert run(django_capture_on_commit_callbacks) == 0


def test_a_stood_down_incident_needs_none(people, clock, django_capture_on_commit_callbacks):
    from incidents import services as incident_services

    incident = major_incident(people)
    incident_services.incident_transition(
        incident_id=incident.pk, name="stand_down_major", actor=people["sam"]
    )
    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
