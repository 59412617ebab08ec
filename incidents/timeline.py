"""How an incident's timeline reads: its states, assignment, confirmation, major flag.

The walk over history and comments is :mod:`itsm.timeline`; this module gives only what
is particular to incidents.
"""

from incidents.choices import HoldReason, ResolutionCode, Status
from incidents.selectors import incident_comments_visible_to
from incidents.workflow import WORKFLOW
from itsm.markup import render_markdown
from itsm.timeline import Entry, TimelineSpec, person
from itsm.timeline import build_timeline as build_record_timeline


def _assignment(row) -> str:
    parts = [str(row.assignment_group)] if row.assignment_group_id else []
    if row.assignee_id:
        parts.append(person(row.assignee))
    return ", ".join(parts) or "nobody"


def _status_entry(spec, prev, row) -> Entry:
    actor, when, name = person(row.history_user), row.history_date, row.history_transition
    new, old = row.status, prev.status
    if new == Status.ASSIGNED:
        title = "Escalated to" if name == "escalate" else "Assigned to"
        return Entry(when, "assigned", f"{title} {_assignment(row)}", actor)
    if new == Status.IN_PROGRESS and old == Status.RESOLVED:
        return Entry(when, "rejected", "Resolution rejected", actor, detail=spec.public_reason(row))
    if new == Status.IN_PROGRESS:
        kind, title = (
            ("resumed", "Work resumed") if old == Status.ON_HOLD else ("started", "Work started")
        )
        return Entry(when, kind, title, actor)
    if new == Status.ON_HOLD:
        detail = HoldReason(row.hold_reason).label if row.hold_reason in HoldReason.values else ""
        return Entry(when, "on_hold", "Put on hold", actor, detail=str(detail))
    if new == Status.RESOLVED:
        code = row.resolution_code
        detail = str(ResolutionCode(code).label) if code in ResolutionCode.values else ""
        body = render_markdown(row.resolution_notes) if row.resolution_notes else None
        return Entry(when, "resolved", "Resolved", actor, detail=detail, body=body)
    return spec.state_entry(row)


def _change_entry(prev, row) -> Entry | None:
    actor, when = person(row.history_user), row.history_date
    if row.confirmed_at and not prev.confirmed_at:
        return Entry(when, "confirmed", "Resolution confirmed", actor)
    if (row.assignment_group_id, row.assignee_id) != (prev.assignment_group_id, prev.assignee_id):
        title = "Escalated to" if row.history_transition == "escalate" else "Reassigned to"
        return Entry(when, "assigned", f"{title} {_assignment(row)}", actor)
    if row.is_major != prev.is_major:
        if row.is_major:
            return Entry(when, "major", "Declared a major incident", actor)
        return Entry(when, "major_ended", "Major incident stood down", actor)
    return None


TIMELINE = TimelineSpec(
    workflow=WORKFLOW,
    status_entry=_status_entry,
    change_entry=_change_entry,
    comments=lambda *, user, record: incident_comments_visible_to(user=user, incident=record),
    related=("assignment_group", "assignee"),
)


def build_timeline(*, incident, user) -> list[Entry]:
    """Everything ``user`` may read about what happened to ``incident``, oldest first."""
    return build_record_timeline(TIMELINE, record=incident, user=user)
