"""Postmortem test data, made through the services."""

from incidents.choices import Status as IncidentStatus
from incidents.tests.factories import incident_in
from itsm.models import Service, Team
from postmortems import services
from postmortems.approval import ensure_service_policy

COMPLETE = {"summary": "The VPN was down.", "root_cause": "An expired certificate."}


def vpn_service() -> Service:
    """The VPN, owned by Network Engineering (nina), with its sign-off policy."""
    owner = Team.objects.get(name="Network Engineering (tier 3)")
    service, _ = Service.objects.get_or_create(name="VPN", defaults={"owner_group": owner})
    if service.owner_group_id != owner.pk:
        service.owner_group = owner
        service.save()
    ensure_service_policy(service)
    return service


def major_incident(people, *, status=IncidentStatus.RESOLVED, **fields):
    """A P1 major incident on the VPN (commander ravi), driven to ``status``."""
    fields.setdefault("impact", "high")
    fields.setdefault("urgency", "high")
    fields.setdefault("service", vpn_service())
    return incident_in(
        status,
        reporter=people["emma"],
        agent=people["ravi"],
        desk=people["sam"],
        major=True,
        **fields,
    )


def make_postmortem(people, *, complete=True, incident=None):
    incident = incident or major_incident(people)
    postmortem = services.postmortem_create(incident_id=incident.pk, actor=people["ravi"])
    if complete:
        services.postmortem_update(
            postmortem_id=postmortem.pk, actor=people["ravi"], changes=dict(COMPLETE)
        )
    return postmortem


def publish(people, postmortem):
    services.postmortem_transition(postmortem_id=postmortem.pk, name="submit", actor=people["ravi"])
    return services.postmortem_transition(
        postmortem_id=postmortem.pk, name="approve", actor=people["nina"]
    )
