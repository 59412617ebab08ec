"""Scheduled and follow-up work of the status page; each task calls the services."""

from celery import shared_task

from itsm.tasks import RETRY
from statuspage import services


@shared_task(**RETRY)
def refresh_component_statuses() -> list[int]:
    """After a major incident moved: every component's status follows its sources."""
    return services.components_refresh(reason="A major incident changed")


@shared_task(**RETRY)
def sync_change_maintenance(change_id: int) -> bool:
    return services.maintenance_sync_change(change_id=change_id) is not None


@shared_task(**RETRY)
def maintenance_tick() -> list[int]:
    return services.maintenance_tick()
