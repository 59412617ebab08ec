"""The postmortem timeline, from the incident's shared timeline (``itsm.timeline_sources``).

Every source registered for incidents gives entries (the incident's history, comments
and work notes, SLA events, and what other apps keep: updates sent, alert events,
pages), each keeping a reference to the row it came from (``source``). Rebuilding adds
only the entries whose source is not there yet, so edited and hand-written entries stay.
Kinds the postmortem does not name are kept as incident history.
"""

from dataclasses import dataclass
from datetime import datetime

from itsm.timeline_sources import assemble as assemble_timeline
from postmortems.choices import EntryKind

TEXT_LIMIT = 2000
KINDS = {"history": EntryKind.HISTORY, "comment": EntryKind.COMMENT, "sla": EntryKind.SLA}


@dataclass(frozen=True)
class Draft:
    at: datetime
    kind: str
    text: str
    source: str


def assemble(incident) -> list[Draft]:
    """Every entry the incident's records give, oldest first (stable within an instant)."""
    return [
        Draft(item.at, KINDS.get(item.kind, EntryKind.HISTORY), item.text[:TEXT_LIMIT], item.source)
        for item in assemble_timeline(incident)
    ]
