"""What the status page hears from incidents and changes: their events (``itsm.events``),
run after the commit.

A major incident declared, stood down, resolved, reopened, cancelled or re-prioritised,
and a change scheduled, started, completed, closed, cancelled or rejected, queue a
refresh; the tasks call the services, so nothing here writes. The tasks skip the
incidents that are not major, so a routine incident costs one cheap task.
"""

from itsm.events import listen
from statuspage.tasks import incident_moved, sync_change_maintenance

INCIDENT_EVENTS = (
    "major_declared",
    "major_changed",
    "major_stood_down",
    "resolved",
    "reopened",
    "cancelled",
)
CHANGE_EVENTS = (
    "scheduled",
    "authorised",
    "approval_requested",
    "started",
    "implemented",
    "closed",
    "cancelled",
    "rejected",
    "returned_to_assessment",
)


def incident_event(*, record_id, event, key, extra, record=None) -> None:
    incident_moved.delay(record_id, event)


def change_event(*, record_id, event, key, extra, record=None) -> None:
    sync_change_maintenance.delay(record_id)


def connect() -> None:
    for event in INCIDENT_EVENTS:
        listen("incidents.incident", event, incident_event)
    for event in CHANGE_EVENTS:
        listen("changes.change", event, change_event)
