"""The incident's own entries in the shared timeline (``itsm.timeline_sources``).

Its history as its timeline reads it (states, assignment, major flag), its comments and
work notes (the shared timeline is read by staff only), and its SLA warnings and
breaches. Each source costs one query whatever its rows.
"""

from itsm.timeline import history_entries, person
from itsm.timeline_sources import Item, register_source

LABEL = "incidents.incident"


def history_items(incident, since) -> list[Item]:
    from incidents.timeline import TIMELINE

    # The walk compares consecutive rows, so it reads them all and the cut comes after.
    items = []
    for entry in history_entries(TIMELINE, incident):
        text = f"{entry.title} ({entry.actor})"
        if entry.detail:
            text += f": {entry.detail}"
        source = f"history:{entry.kind}:{entry.when.isoformat()}"
        items.append(Item(entry.when, "history", text, source))
    return items


def comment_items(incident, since) -> list[Item]:
    comments = incident.comments.select_related("author").order_by("created_at", "pk")
    if since is not None:
        comments = comments.filter(created_at__gte=since)
    items = []
    for comment in comments:
        label = "Comment" if comment.is_public else "Work note"
        text = f"{label} ({person(comment.author)}): {comment.body.strip()}"
        items.append(Item(comment.created_at, "comment", text, f"comment:{comment.pk}"))
    return items


def sla_items(incident, since) -> list[Item]:
    events = incident.sla_events.order_by("occurred_at", "pk")
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    return [
        Item(
            event.occurred_at,
            "sla",
            f"SLA {event.get_clock_display().lower()}: {event.get_kind_display()}",
            f"sla:{event.pk}",
        )
        for event in events
    ]


def register() -> None:
    register_source(LABEL, "history", history_items)
    register_source(LABEL, "comments", comment_items)
    register_source(LABEL, "sla", sla_items)
