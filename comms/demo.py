"""Demo stakeholder communication on the demo's open major incident: stakeholders (two
people, two teams, and the subscribers of its components), one missed update interval,
then two updates. Found again by its updates, so loading twice adds nothing."""

from django.utils import timezone

from comms import services
from comms.choices import Channel
from comms.models import StakeholderUpdate
from incidents.models import Incident
from itsm.audit import system_user
from itsm.models import Team

OPEN_MAJOR = "Office network down in the head office"

UPDATES = [
    "The head-office wired network is down. Wi-Fi and remote access work. The network "
    "team is on site and replacing the failed core switch. Next update within the hour.",
    "The replacement switch is installed and the first floors are back online. We expect "
    "every floor back within 30 minutes.",
]


def load(users) -> None:
    incident = Incident.objects.filter(title=OPEN_MAJOR, is_major=True).first()
    if incident is None or StakeholderUpdate.objects.filter(incident=incident).exists():
        return
    sam = users["sam"]
    services.stakeholders_add(
        incident_id=incident.pk,
        actor=sam,
        people=[users["pat"], users["chris"]],
        teams=list(Team.objects.filter(name__in=["Service Desk", "Network Engineering (tier 3)"])),
    )
    services.stakeholders_sync_subscribers(incident_id=incident.pk)
    services.missed_cadence_record(
        incident=incident,
        due_at=timezone.now(),
        minutes=services.cadence_minutes(incident.priority),
        actor=system_user(),
    )
    for body in UPDATES:
        services.stakeholder_update_send(
            incident_id=incident.pk, actor=sam, body=body, channels=list(Channel.values)
        )
