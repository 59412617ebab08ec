"""The readable timeline of an incident: what happened, built from history and comments.

Events come from comparing consecutive history rows on stable values (status codes,
foreign keys, timestamps), never on translated labels. Comments come through the
visibility selector, so employees never get internal work notes.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.safestring import SafeString

from incidents.choices import HoldReason, ResolutionCode, Status
from incidents.selectors import incident_comments_visible_to
from incidents.workflow import WORKFLOW
from itsm.history import transition_reason
from itsm.markup import render_markdown

# Transitions whose free-text reason is meant for the people following the incident.
PUBLIC_REASONS = frozenset(t.name for t in WORKFLOW.transitions if t.public_reason)


@dataclass(frozen=True)
class Entry:
    when: datetime
    kind: str  # stable code: reported, assigned, started, ..., comment, work_note
    title: str
    actor: str
    detail: str = ""
    body: SafeString | None = None
    internal: bool = False


def person(user) -> str:
    if user is None:
        return "System"
    return user.get_full_name() or user.get_username()


def _transition(row) -> tuple[str, str]:
    """The transition that wrote ``row`` and the reason its actor gave."""
    return row.history_transition, transition_reason(row)


def _assignment(row) -> str:
    parts = [str(row.assignment_group)] if row.assignment_group_id else []
    if row.assignee_id:
        parts.append(person(row.assignee))
    return ", ".join(parts) or "nobody"


def _status_entry(prev, row) -> Entry:
    name, reason = _transition(row)
    actor = person(row.history_user)
    when = row.history_date
    new, old = row.status, prev.status
    if new == Status.ASSIGNED:
        title = "Escalated to" if name == "escalate" else "Assigned to"
        return Entry(when, "assigned", f"{title} {_assignment(row)}", actor)
    if new == Status.IN_PROGRESS and old == Status.RESOLVED:
        return Entry(when, "rejected", "Resolution rejected", actor, detail=reason)
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
    detail = reason if name in PUBLIC_REASONS else ""
    return Entry(when, new, str(Status(new).label), actor, detail=detail)


def _other_entry(prev, row) -> Entry | None:
    actor = person(row.history_user)
    when = row.history_date
    if row.confirmed_at and not prev.confirmed_at:
        return Entry(when, "confirmed", "Resolution confirmed", actor)
    if (row.assignment_group_id, row.assignee_id) != (prev.assignment_group_id, prev.assignee_id):
        name, _ = _transition(row)
        title = "Escalated to" if name == "escalate" else "Reassigned to"
        return Entry(when, "assigned", f"{title} {_assignment(row)}", actor)
    if row.is_major != prev.is_major:
        if row.is_major:
            return Entry(when, "major", "Declared a major incident", actor)
        return Entry(when, "major_ended", "Major incident stood down", actor)
    return None


def history_entries(incident) -> list[Entry]:
    rows = incident.history.order_by("history_date", "history_id").select_related(
        "history_user", "assignment_group", "assignee"
    )
    entries, prev = [], None
    for row in rows:
        if prev is None:
            entries.append(
                Entry(row.history_date, "reported", "Reported", person(row.history_user))
            )
        elif row.status != prev.status:
            entries.append(_status_entry(prev, row))
        elif entry := _other_entry(prev, row):
            entries.append(entry)
        prev = row
    return entries


def comment_entries(incident, user) -> list[Entry]:
    entries = []
    for comment in incident_comments_visible_to(user=user, incident=incident):
        internal = not comment.is_public
        entries.append(
            Entry(
                comment.created_at,
                "work_note" if internal else "comment",
                "Work note" if internal else "Comment",
                person(comment.author),
                body=render_markdown(comment.body),
                internal=internal,
            )
        )
    return entries


def build_timeline(*, incident, user) -> list[Entry]:
    """Everything ``user`` may read about what happened to ``incident``, oldest first."""
    entries = history_entries(incident) + comment_entries(incident, user)
    # sorted() is stable, so a comment and a change in the same instant keep this order.
    return sorted(entries, key=lambda entry: entry.when)
