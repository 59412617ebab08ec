"""What status each component should show, from the records that affect it.

The sources, worst wins (``choices.SEVERITY``):

- an open major incident on the component's service that has no status incident yet:
  P1 is a major outage, P2 a partial outage, lower priorities degraded performance;
- an active status incident naming the component: its impact (once staff speak publicly
  about a major incident, their chosen impact replaces the priority's);
- maintenance in progress on the component: under maintenance.

A status set by hand by staff replaces the derived one until it is cleared.
Three queries for any number of components.
"""

from incidents.choices import OPEN_STATUSES
from incidents.models import Incident
from itsm.choices import Priority
from statuspage.choices import SEVERITY, ComponentStatus, MaintenanceState
from statuspage.models import Maintenance, StatusIncident

PRIORITY_STATUS = {
    Priority.P1: ComponentStatus.MAJOR_OUTAGE,
    Priority.P2: ComponentStatus.PARTIAL_OUTAGE,
}


def _worst(current: str, other: str) -> str:
    return other if SEVERITY[other] > SEVERITY[current] else current


def derived_statuses(components) -> dict[int, str]:
    """Component id -> the status its sources give it (manual status not applied)."""
    statuses = {component.pk: ComponentStatus.OPERATIONAL.value for component in components}
    by_service = {component.service_id: component.pk for component in components}
    majors = Incident.objects.filter(
        is_major=True,
        status__in=OPEN_STATUSES,
        service_id__in=list(by_service),
        status_incidents__isnull=True,
    ).values_list("service_id", "priority")
    for service_id, priority in majors:
        status = PRIORITY_STATUS.get(priority, ComponentStatus.DEGRADED)
        pk = by_service[service_id]
        statuses[pk] = _worst(statuses[pk], status)
    links = StatusIncident.components.through.objects.filter(
        statusincident__resolved_at__isnull=True, component_id__in=list(statuses)
    ).values_list("component_id", "statusincident__impact")
    for pk, impact in links:
        statuses[pk] = _worst(statuses[pk], impact)
    works = Maintenance.components.through.objects.filter(
        maintenance__state=MaintenanceState.IN_PROGRESS, component_id__in=list(statuses)
    ).values_list("component_id", flat=True)
    for pk in works:
        statuses[pk] = _worst(statuses[pk], ComponentStatus.UNDER_MAINTENANCE)
    return statuses


def shown_status(component, derived: str) -> str:
    return component.manual_status or derived
