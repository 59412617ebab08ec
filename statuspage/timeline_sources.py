"""Public status updates in the incident's shared timeline (``itsm.timeline_sources``).
One query whatever the rows."""

from itsm.timeline import person
from itsm.timeline_sources import Item, register_source
from statuspage.models import StatusUpdate


def status_update_items(incident, since) -> list[Item]:
    updates = StatusUpdate.objects.filter(status_incident__incident=incident).select_related(
        "status_incident", "posted_by"
    )
    if since is not None:
        updates = updates.filter(posted_at__gte=since)
    return [
        Item(
            update.posted_at,
            "status_update",
            f"Public update, {update.get_state_display().lower()} ({person(update.posted_by)}): "
            f"{update.body.strip()}",
            f"status:{update.pk}",
        )
        for update in updates.order_by("posted_at", "pk")
    ]


def register() -> None:
    register_source("incidents.incident", "status_updates", status_update_items)
