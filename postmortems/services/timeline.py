"""The postmortem timeline, assembled from the incident's records.

Sources, each entry keeping a reference to the row it came from (``source``): the
incident's history as its own timeline reads it (states, assignment, major flag), its
comments and work notes (postmortems are read by staff only), and its SLA warnings and
breaches. Alert events and pages join here once those apps exist. Rebuilding adds only
the entries whose source is not there yet, so edited and hand-written entries stay.
"""

from dataclasses import dataclass
from datetime import datetime

from incidents.timeline import TIMELINE
from itsm.timeline import history_entries, person
from postmortems.choices import EntryKind

TEXT_LIMIT = 2000


@dataclass(frozen=True)
class Draft:
    at: datetime
    kind: str
    text: str
    source: str


def _history(incident) -> list[Draft]:
    drafts = []
    for entry in history_entries(TIMELINE, incident):
        text = f"{entry.title} ({entry.actor})"
        if entry.detail:
            text += f": {entry.detail}"
        source = f"history:{entry.kind}:{entry.when.isoformat()}"
        drafts.append(Draft(entry.when, EntryKind.HISTORY, text, source))
    return drafts


def _comments(incident) -> list[Draft]:
    drafts = []
    for comment in incident.comments.select_related("author").order_by("created_at", "pk"):
        label = "Comment" if comment.is_public else "Work note"
        text = f"{label} ({person(comment.author)}): {comment.body.strip()}"
        drafts.append(
            Draft(comment.created_at, EntryKind.COMMENT, text[:TEXT_LIMIT], f"comment:{comment.pk}")
        )
    return drafts


def _sla_events(incident) -> list[Draft]:
    return [
        Draft(
            event.occurred_at,
            EntryKind.SLA,
            f"SLA {event.get_clock_display().lower()}: {event.get_kind_display()}",
            f"sla:{event.pk}",
        )
        for event in incident.sla_events.order_by("occurred_at", "pk")
    ]


def assemble(incident) -> list[Draft]:
    """Every entry the incident's records give, oldest first (stable within an instant)."""
    drafts = _history(incident) + _comments(incident) + _sla_events(incident)
    return sorted(drafts, key=lambda draft: draft.at)
