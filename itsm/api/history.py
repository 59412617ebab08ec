"""A record's audit trail for its API: field diffs between consecutive history rows.

Values are the stored ones (status codes, foreign key ids, timestamps), under the model's
field names, so the output does not change with translations or display names. Each
reader sees diffs of the fields their read serializer shows them, less what changes on
every save or is not a column.
"""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from rest_framework import serializers

from itsm.workflow import Workflow

NOT_DIFFED = frozenset({"id", "number", "created_at", "updated_at", "version"})


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    history_date = serializers.DateTimeField()
    history_user = serializers.CharField(allow_null=True)
    history_type = serializers.ChoiceField(
        choices=[("+", "created"), ("~", "changed"), ("-", "deleted")]
    )
    change_reason = serializers.CharField(allow_null=True)
    transition = serializers.CharField(
        allow_null=True, help_text="The transition that wrote the row, if one did."
    )
    status = serializers.CharField()
    changes = FieldChangeSerializer(many=True)


def diffed_fields(model, names, hidden=()) -> tuple:
    """The model's columns among ``names`` (a read serializer's fields) worth diffing."""
    fields = []
    for name in names:
        if name in NOT_DIFFED or name in hidden:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.concrete and not field.many_to_many:
            fields.append(field)
    return tuple(fields)


def history_rows(record):
    return record.history.select_related("history_user").order_by("history_date", "history_id")


def row_before(rows, row):
    """The row just before ``row`` in ``rows``' order (one query), or None."""
    earlier = Q(history_date__lt=row.history_date) | Q(
        history_date=row.history_date, history_id__lt=row.history_id
    )
    return rows.filter(earlier).order_by("-history_date", "-history_id").first()


@dataclass(frozen=True)
class HistoryReader:
    """How one kind of reader reads a record type's history.

    ``fields`` are the columns they may see change; ``staff`` readers get every reason in
    full, others get the free text only of transitions whose reason is written for the
    requester (``public_reason`` in the table) and the transition's name otherwise.
    """

    workflow: Workflow
    fields: tuple
    staff: bool

    def _changes(self, previous, row) -> list[dict]:
        changes = []
        for field in self.fields:
            new = getattr(row, field.attname)
            old = getattr(previous, field.attname) if previous is not None else None
            if previous is None and new in (None, ""):
                continue
            if previous is not None and old == new:
                continue
            changes.append({"field": field.name, "old": old, "new": new})
        return changes

    def _reason(self, row, public: set[str]) -> str | None:
        reason = row.history_change_reason
        transition = row.history_transition
        if self.staff or reason is None or transition in public:
            return reason
        # Edits and non-public transitions: the name of what happened, never the free text.
        return transition or reason.partition(":")[0].strip()

    def entries(self, rows, previous) -> list[dict]:
        """One entry per row of ``rows`` (consecutive, oldest first); ``previous`` precedes
        them."""
        public = {t.name for t in self.workflow.transitions if t.public_reason}
        entries = []
        for row in rows:
            user = row.history_user
            # Keywords, not a literal: the key "changes" reads as an app name to the meta-test.
            entries.append(
                dict(
                    history_id=row.history_id,
                    history_date=row.history_date,
                    history_user=user.get_username() if user is not None else None,
                    history_type=row.history_type,
                    change_reason=self._reason(row, public),
                    transition=row.history_transition or None,
                    status=getattr(row, self.workflow.field),
                    changes=self._changes(previous, row),
                )
            )
            previous = row
        return entries
