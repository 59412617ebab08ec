"""Field diffs between consecutive history rows of an incident, for the history endpoint.

Values are the stored ones (status codes, foreign key ids, timestamps), under the model's
field names, so the output does not change with translations or display names.
"""

from django.db.models import Q

from incidents.api.serializers import EMPLOYEE_READ_FIELDS, STAFF_READ_FIELDS
from incidents.models import Incident
from incidents.workflow import WORKFLOW

# Diffs show what each reader may read (the serializers' field lists), less what changes
# on every save or is not a column; employees also do not see the assignment group.
NOT_DIFFED = {"id", "number", "created_at", "updated_at", "version", "watchers"}
STAFF_FIELDS = tuple(f for f in STAFF_READ_FIELDS if f not in NOT_DIFFED)
EMPLOYEE_FIELDS = tuple(
    f for f in EMPLOYEE_READ_FIELDS if f not in NOT_DIFFED | {"assignment_group"}
)
# Transitions whose free-text reason is written for the people following the incident;
# other reasons (overrides, escalations) may be internal, so employees get the name only.
PUBLIC_REASONS = frozenset(t.name for t in WORKFLOW.transitions if t.public_reason)

_ATTNAMES = {name: Incident._meta.get_field(name).attname for name in STAFF_FIELDS}


def history_rows(incident):
    return incident.history.select_related("history_user").order_by("history_date", "history_id")


def row_before(rows, row):
    """The row just before ``row`` in ``rows``' order (one query), or None."""
    earlier = Q(history_date__lt=row.history_date) | Q(
        history_date=row.history_date, history_id__lt=row.history_id
    )
    return rows.filter(earlier).order_by("-history_date", "-history_id").first()


def _changes(previous, row, fields) -> list[dict]:
    changes = []
    for name in fields:
        new = getattr(row, _ATTNAMES[name])
        old = getattr(previous, _ATTNAMES[name]) if previous is not None else None
        if previous is None and new in (None, ""):
            continue
        if previous is not None and old == new:
            continue
        changes.append({"field": name, "old": old, "new": new})
    return changes


def _reason(row, *, staff: bool) -> str | None:
    reason = row.history_change_reason
    if staff or reason is None or row.history_transition in PUBLIC_REASONS:
        return reason
    # Edits and non-public transitions: the name of what happened, never the free text.
    return row.history_transition or reason.partition(":")[0].strip()


def history_entries(rows, previous, *, staff: bool) -> list[dict]:
    """One entry per row of ``rows`` (consecutive, oldest first); ``previous`` precedes them."""
    fields = STAFF_FIELDS if staff else EMPLOYEE_FIELDS
    entries = []
    for row in rows:
        user = row.history_user
        entries.append(
            {
                "history_id": row.history_id,
                "history_date": row.history_date,
                "history_user": user.get_username() if user is not None else None,
                "history_type": row.history_type,
                "change_reason": _reason(row, staff=staff),
                "status": row.status,
                "changes": _changes(previous, row, fields),
            }
        )
        previous = row
    return entries
