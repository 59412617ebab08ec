import pytest

from incidents.choices import Status
from incidents.tests.factories import incident_in
from itsm.models import Service


@pytest.fixture
def major(people):
    """An in-progress P1 major incident on the VPN; ravi commands, sam communicates."""
    from incidents import services

    vpn, _ = Service.objects.get_or_create(name="VPN")
    incident = incident_in(
        Status.IN_PROGRESS,
        reporter=people["emma"],
        agent=people["ravi"],
        desk=people["sam"],
        impact="high",
        urgency="high",
        service=vpn,
    )
    return services.incident_transition(
        incident_id=incident.pk,
        name="declare_major",
        actor=people["ravi"],
        communications_lead=people["sam"],
    )
