"""The demo's major incident has stakeholders, two updates and one missed cadence; the
postmortem reads the same shared timeline as the live page."""

import pytest

from comms import services
from comms.models import MissedCadence, Stakeholder, StakeholderUpdate
from incidents.models import Incident
from itsm.demo import load_demo
from itsm.timeline_sources import source_names
from postmortems.tests.factories import major_incident, make_postmortem

pytestmark = pytest.mark.django_db


def test_the_demo_major_incident_communicates_once(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    load_demo()
    load_demo()
    incident = Incident.objects.get(title="Office network down in the head office")
    assert StakeholderUpdate.objects.filter(incident=incident).count() == 2
    assert MissedCadence.objects.filter(incident=incident).count() == 1
    listed = Stakeholder.objects.filter(incident=incident)
    assert listed.filter(person__isnull=False).count() == 2
    assert listed.filter(team__isnull=False).count() == 2


def test_every_app_registers_its_timeline_sources():
    assert source_names("incidents.incident") == [
        "history",
        "comments",
        "sla",
        "status_updates",
        "pages",
        "alerts",
        "stakeholder_updates",
        "missed_cadence",
    ]


def test_the_postmortem_timeline_includes_the_updates_sent(people):
    incident = major_incident(people, status="in_progress")
    services.stakeholder_update_send(
        incident_id=incident.pk, actor=people["sam"], body="Gateway down.", channels=["email"]
    )
    postmortem = make_postmortem(people, incident=incident)
    entry = postmortem.timeline.get(source__startswith="stakeholder-update:")
    assert (entry.kind, entry.text) == (
        "history",
        "Stakeholder update sent by Sam Servicedesk (E-mail): Gateway down.",
    )
