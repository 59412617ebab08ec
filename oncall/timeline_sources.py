"""Pages and acknowledgements in the incident's shared timeline
(``itsm.timeline_sources``). One query whatever the rows."""

from django.db.models import Q

from itsm.timeline import person
from itsm.timeline_sources import Item, register_source
from oncall.models import Page


def page_items(incident, since) -> list[Item]:
    pages = Page.objects.filter(incident=incident).select_related(
        "person", "team", "acknowledged_by"
    )
    if since is not None:
        pages = pages.filter(Q(sent_at__gte=since) | Q(acknowledged_at__gte=since))
    items = []
    for page in pages.order_by("sent_at", "pk"):
        items.append(
            Item(
                page.sent_at,
                "page",
                f"Paged {person(page.person)} ({page.team})",
                f"page:{page.pk}",
            )
        )
        if page.acknowledged_at is not None:
            items.append(
                Item(
                    page.acknowledged_at,
                    "ack",
                    f"Page acknowledged by {person(page.acknowledged_by)} "
                    f"({page.get_acknowledged_via_display() or 'unknown'})",
                    f"page:{page.pk}:ack",
                )
            )
    return items


def register() -> None:
    register_source("incidents.incident", "pages", page_items)
