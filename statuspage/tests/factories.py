"""Status page test data, made through the services."""

import itertools

from incidents import services as incident_services
from incidents.tests.factories import make_incident
from itsm.models import Service
from statuspage import services

_numbers = itertools.count(1)


def make_component(*, actor, name=None, public=True, service=None, **fields):
    number = next(_numbers)
    service = service or Service.objects.create(name=f"Service {number}")
    return services.component_create(
        actor=actor,
        service=service,
        display_name=name or f"Component {number}",
        is_public=public,
        **fields,
    )


def major_incident(*, reporter, agent, service, priority_impact="high", **fields):
    """An open major incident on ``service`` (high impact and urgency: P1)."""
    fields.setdefault("impact", priority_impact)
    fields.setdefault("urgency", "high")
    incident = make_incident(reporter=reporter, service=service, **fields)
    return incident_services.incident_transition(
        incident_id=incident.pk, name="declare_major", actor=agent
    )
