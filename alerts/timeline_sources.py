"""Alert events in the incident's shared timeline (``itsm.timeline_sources``): when an
alert first fired for the incident and when it cleared. One query whatever the rows."""

from django.db.models import Q

from alerts.models import AlertEvent
from itsm.timeline_sources import Item, register_source


def alert_items(incident, since) -> list[Item]:
    events = AlertEvent.objects.filter(incident=incident).select_related("integration")
    if since is not None:
        events = events.filter(Q(first_seen__gte=since) | Q(cleared_at__gte=since))
    items = []
    for event in events.order_by("first_seen", "pk"):
        name = event.title or event.grouping_key
        items.append(
            Item(
                event.first_seen,
                "alert",
                f"Alert fired ({event.integration.name}): {name}",
                f"alert:{event.pk}:fired",
            )
        )
        if event.cleared_at is not None:
            items.append(
                Item(
                    event.cleared_at,
                    "alert",
                    f"Alert cleared ({event.integration.name}): {name}",
                    f"alert:{event.pk}:cleared",
                )
            )
    return items


def register() -> None:
    register_source("incidents.incident", "alerts", alert_items)
