"""The update cadence with a moved clock: each interval without an update is recorded
once (however often the beat job runs) and reminds the communications lead, until the
incident is resolved."""

from datetime import timedelta

import pytest
from django.core import mail

from comms import services, tasks
from comms.models import MissedCadence
from incidents import services as incidents
from incidents.choices import Status
from incidents.tests.factories import incident_in
from itsm.testing.clock import install_clock

pytestmark = pytest.mark.django_db


def declare(people, *, impact="high", urgency="high"):
    incident = incident_in(
        Status.IN_PROGRESS,
        reporter=people["emma"],
        agent=people["ravi"],
        desk=people["sam"],
        impact=impact,
        urgency=urgency,
    )
    return incidents.incident_transition(
        incident_id=incident.pk,
        name="declare_major",
        actor=people["ravi"],
        communications_lead=people["sam"],
    )


def tick(capture) -> int:
    with capture(execute=True):
        return tasks.update_cadence_check.apply().get()


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


def test_a_p1_misses_its_cadence_every_30_minutes_once_per_interval(
    people, monkeypatch, eager, django_capture_on_commit_callbacks
):
    clock = install_clock(monkeypatch)
    incident = declare(people)
    assert incident.priority == 1
    mail.outbox.clear()

    clock.advance(minutes=29)
    assert tick(django_capture_on_commit_callbacks) == 0
    clock.advance(minutes=2)
    assert tick(django_capture_on_commit_callbacks) == 1
    # The beat job runs every minute; the same interval is not recorded again.
    for _ in range(3):
        clock.advance(minutes=1)
        assert tick(django_capture_on_commit_callbacks) == 0
    assert [m.to for m in mail.outbox] == [[people["sam"].email]]
    assert "overdue" in mail.outbox[0].subject and incident.number in mail.outbox[0].subject

    # The beat job was down for an hour: both intervals it missed are recorded.
    clock.advance(minutes=57)
    assert tick(django_capture_on_commit_callbacks) == 2
    assert MissedCadence.objects.filter(incident=incident).count() == 3
    assert len(mail.outbox) == 3


def test_an_update_restarts_the_clock_and_resolving_stops_it(
    people, monkeypatch, eager, django_capture_on_commit_callbacks
):
    clock = install_clock(monkeypatch)
    incident = declare(people)
    clock.advance(minutes=25)
    with django_capture_on_commit_callbacks(execute=True):
        update = services.stakeholder_update_send(
            incident_id=incident.pk, actor=people["sam"], body="Working on it.", channels=["email"]
        )
    clock.advance(minutes=29)
    assert tick(django_capture_on_commit_callbacks) == 0
    clock.advance(minutes=2)
    assert tick(django_capture_on_commit_callbacks) == 1
    missed = MissedCadence.objects.get()
    assert (missed.due_at, missed.interval_minutes) == (update.sent_at + timedelta(minutes=30), 30)

    incidents.incident_transition(
        incident_id=incident.pk,
        name="resolve",
        actor=people["ravi"],
        resolution_code="workaround",
        resolution_notes="Restarted.",
    )
    clock.advance(hours=3)
    assert tick(django_capture_on_commit_callbacks) == 0
    assert MissedCadence.objects.count() == 1


def test_a_p2_waits_60_minutes_and_the_interval_is_a_setting(
    people, monkeypatch, eager, settings, django_capture_on_commit_callbacks
):
    clock = install_clock(monkeypatch)
    incident = declare(people, impact="high", urgency="medium")
    assert incident.priority == 2
    clock.advance(minutes=45)
    assert tick(django_capture_on_commit_callbacks) == 0
    clock.advance(minutes=16)
    assert tick(django_capture_on_commit_callbacks) == 1

    settings.COMMS_UPDATE_CADENCE_MINUTES = {1: 30, 2: 15}
    clock.advance(minutes=15)
    assert tick(django_capture_on_commit_callbacks) == 1
    assert list(
        MissedCadence.objects.order_by("due_at").values_list("interval_minutes", flat=True)
    ) == [60, 15]


def test_the_missed_count_shows_on_the_incident_pages(
    people, monkeypatch, eager, client, django_capture_on_commit_callbacks
):
    clock = install_clock(monkeypatch)
    incident = declare(people)
    clock.advance(minutes=61)
    assert tick(django_capture_on_commit_callbacks) == 2
    client.force_login(people["sam"])
    live = client.get(f"/portal/comms/incidents/{incident.pk}/live/")
    assert live.context["missed"] == 2
    assert 'id="missed-count">2<' in live.content.decode()
    console = client.get(f"/admin/incidents/incident/{incident.pk}/change/")
    assert "missed cadence: <strong>2</strong>" in console.content.decode()
