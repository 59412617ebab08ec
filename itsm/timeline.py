"""The readable timeline of a record: what happened, built from history and comments.

A record app describes its timeline once with a :class:`TimelineSpec`: which related
rows the history needs (``related``), how its states read (``status_entry``), which other
field changes people see (``change_entry``) and its comment selector (``comments``).
This module walks the history rows in order and compares consecutive ones on stable
values (state codes, foreign keys, timestamps), never on translated labels. The
transition that wrote a row is ``row.history_transition`` (data, not parsed from the
reason), and requesters read a transition's free-text reason only when the table says it
is written for them (``public_reason``). Comments come through the app's visibility
selector, so employees never get internal work notes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.safestring import SafeString

from itsm.history import transition_reason
from itsm.markup import render_markdown
from itsm.workflow import Workflow


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


@dataclass(frozen=True)
class TimelineSpec:
    """How one record type's timeline reads.

    ``status_entry(spec, prev, row)`` returns the entry for a row whose state differs
    from the previous row's (:meth:`state_entry` is the plain reading);
    ``change_entry(prev, row)`` the entry for another change people should see, or None;
    ``comments(user=, record=)`` the comments ``user`` may read, authors joined.
    """

    workflow: Workflow
    status_entry: Callable
    comments: Callable
    change_entry: Callable = lambda prev, row: None
    related: tuple[str, ...] = ()
    public_reasons: frozenset[str] = field(init=False)

    def __post_init__(self):
        public = frozenset(t.name for t in self.workflow.transitions if t.public_reason)
        object.__setattr__(self, "public_reasons", public)

    def public_reason(self, row) -> str:
        """The reason given for the row's transition, if it is written for requesters."""
        return transition_reason(row) if row.history_transition in self.public_reasons else ""

    def state_entry(self, row) -> Entry:
        """The row's new state by its label, with the reason when it is public."""
        state = getattr(row, self.workflow.field)
        return Entry(
            row.history_date,
            state,
            str(self.workflow.states(state).label),
            person(row.history_user),
            detail=self.public_reason(row),
        )


def history_entries(spec: TimelineSpec, record) -> list[Entry]:
    rows = record.history.order_by("history_date", "history_id").select_related(
        "history_user", *spec.related
    )
    state = spec.workflow.field
    entries, prev = [], None
    for row in rows:
        if prev is None:
            entries.append(
                Entry(row.history_date, "reported", "Reported", person(row.history_user))
            )
        elif getattr(row, state) != getattr(prev, state):
            entries.append(spec.status_entry(spec, prev, row))
        elif entry := spec.change_entry(prev, row):
            entries.append(entry)
        prev = row
    return entries


def comment_entries(spec: TimelineSpec, record, user) -> list[Entry]:
    entries = []
    for comment in spec.comments(user=user, record=record):
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


def build_timeline(spec: TimelineSpec, *, record, user) -> list[Entry]:
    """Everything ``user`` may read about what happened to ``record``, oldest first."""
    entries = history_entries(spec, record) + comment_entries(spec, record, user)
    # sorted() is stable, so a comment and a change in the same instant keep this order.
    return sorted(entries, key=lambda entry: entry.when)
