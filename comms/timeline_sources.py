"""Stakeholder updates sent and missed cadence in the incident's shared timeline
(``itsm.timeline_sources``). One query each, whatever the rows."""

from comms.models import MissedCadence, StakeholderUpdate
from itsm.timeline import person
from itsm.timeline_sources import Item, register_source

LABEL = "incidents.incident"


def update_items(incident, since) -> list[Item]:
    updates = StakeholderUpdate.objects.filter(incident=incident).select_related("sent_by")
    if since is not None:
        updates = updates.filter(sent_at__gte=since)
    return [
        Item(
            update.sent_at,
            "stakeholder_update",
            f"Stakeholder update sent by {person(update.sent_by)} "
            f"({update.channel_labels()}): {update.body}",
            f"stakeholder-update:{update.pk}",
        )
        for update in updates.order_by("sent_at", "pk")
    ]


def missed_items(incident, since) -> list[Item]:
    missed = MissedCadence.objects.filter(incident=incident)
    if since is not None:
        missed = missed.filter(due_at__gte=since)
    return [
        Item(
            row.due_at,
            "cadence",
            f"Stakeholder update missed (due every {row.interval_minutes} minutes)",
            f"cadence:{row.pk}",
        )
        for row in missed.order_by("due_at", "pk")
    ]


def register() -> None:
    register_source(LABEL, "stakeholder_updates", update_items)
    register_source(LABEL, "missed_cadence", missed_items)
