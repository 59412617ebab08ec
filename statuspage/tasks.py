"""Scheduled and follow-up work of the status page; each task calls the services."""

from celery import shared_task

from incidents.models import Incident
from itsm.tasks import RETRY
from statuspage import services


@shared_task(**RETRY)
def incident_moved(incident_id: int, event: str) -> list[int]:
    """After an incident event: a major incident (or one just stood down) moves the
    components' statuses; any other incident changes nothing."""
    if (
        event != "major_stood_down"
        and not Incident.objects.filter(pk=incident_id, is_major=True).exists()
    ):
        return []
    return services.components_refresh(reason=f"A major incident changed: {event}")


@shared_task(**RETRY)
def sync_change_maintenance(change_id: int) -> bool:
    return services.maintenance_sync_change(change_id=change_id) is not None


@shared_task(**RETRY)
def maintenance_tick() -> list[int]:
    return services.maintenance_tick()
