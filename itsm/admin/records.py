"""The record admin base class: a record type's staff console in a few declarations.

A record app's admin subclasses :class:`RecordAdmin` and declares its page (fieldsets,
list columns, filters, search), how the add and change forms are saved
(``create_via_service`` / ``update_via_service``) and its extras. The rest comes from
the record type registered in :mod:`itsm.registry`:

- the scoped queryset (``list_visible_to``), with finished records read-only;
- a button for every transition the table offers in the admin, with an input page built
  from the table, and a bulk action for every transition it offers in ``admin_bulk``,
  all calling the record type's transition service;
- comment and attachment inlines and operations through its contribution services;
- read-only history with field diffs (the status included);
- the priority, group, age, version and SLA columns, the queue and SLA filters, and the
  SLA explanation and inlines when the record type has clocks;
- a changelist that costs the same at a million rows (:mod:`itsm.admin_lists`): a
  bounded count, no date hierarchy or facets, sorting only on ``sortable_by``.

Records follow the kit's conventions: ``number``, ``version``, ``reported_at``,
``priority``, ``assignment_group``, ``assignee`` and ``is_finished``.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from itsm.admin.bulk import transition_action
from itsm.admin.columns import short_duration
from itsm.admin.contributions import (
    AttachmentForm,
    AttachmentInline,
    CommentForm,
    CommentInline,
    inline_for,
)
from itsm.admin.history import ReadOnlyHistoryMixin
from itsm.admin.people import PeopleAutocompleteMixin
from itsm.admin.refusals import RecordAdminForm, ServiceFormAdminMixin
from itsm.admin.sla import SlaAdminMixin
from itsm.admin.transitions import Operation, WorkflowAdminMixin
from itsm.admin_lists import BigTableAdminMixin
from itsm.registry import record_type_for


class RecordAdmin(
    BigTableAdminMixin,
    SlaAdminMixin,
    PeopleAutocompleteMixin,
    WorkflowAdminMixin,
    ServiceFormAdminMixin,
    ReadOnlyHistoryMixin,
):
    """The staff console of one record type (see the module docstring).

    Declarations beyond Django's own: ``sla`` (the record type's ``RecordSla``, for the
    SLA column, filter, explanation and inlines), ``detail_related`` (``select_related``
    for the record page) and ``detail_prefetched`` (its relations that are often empty:
    fetched by primary key, no query when empty, instead of a join that costs planning
    time), ``open_statuses`` (the queue filter's "open"),
    ``extra_actions`` (bulk actions besides the table's), ``bulk_labels`` (a bulk
    action's label when the transition's own reads badly in the action list) and
    ``extra_operations`` (buttons besides transitions, comments and attachments).
    """

    form = RecordAdminForm
    detail_related: tuple[str, ...] = ()
    detail_prefetched: tuple[str, ...] = ()
    open_statuses: frozenset[str] = frozenset()
    extra_actions: tuple = ()
    bulk_labels: dict[str, str] = {}
    extra_operations: dict[str, Operation] = {}

    # --- the record type ------------------------------------------------------------------

    @property
    def record_type(self):
        return record_type_for(self.model)

    @property
    def workflow(self):
        return self.record_type.workflow

    @property
    def actions(self):
        """The extras, then one bulk action per transition the table offers in bulk."""
        table = [
            transition_action(t.name, self.bulk_labels.get(t.name, t.label))
            for t in self.workflow.offered_in("admin_bulk")
        ]
        return [*self.extra_actions, *table]

    def run_transition(self, request, obj_pk, name, params):
        return self.record_type.transition(
            record_id=obj_pk, name=name, actor=request.user, **params
        )

    def get_operations(self) -> dict[str, Operation]:
        return {
            "comment": Operation("Add comment or work note", self._add_comment, CommentForm),
            "attach": Operation("Attach a file", self._attach, AttachmentForm),
            **self.extra_operations,
        }

    def _add_comment(self, request, record_id, params):
        return self.record_type.comment_add(
            record_id=record_id,
            actor=request.user,
            body=params["body"],
            visibility=params["visibility"],
        )

    def _attach(self, request, record_id, params):
        return self.record_type.attachment_add(
            record_id=record_id, actor=request.user, upload=params["upload"]
        )

    # --- reads ----------------------------------------------------------------------------

    def get_queryset(self, request):
        return self.record_type.list_visible_to(user=request.user)

    def get_detail_queryset(self, request):
        """The records of the user's scope, with what the record page shows."""
        return (
            self.get_queryset(request)
            .select_related(*self.detail_related)
            .prefetch_related(*self.detail_prefetched)
        )

    def get_object(self, request, object_id, from_field=None):
        try:
            pk = self.model._meta.pk.to_python(object_id)
        except ValidationError:
            return None
        return self.get_detail_queryset(request).filter(pk=pk).first()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is self.model:
            # Links only to records the user may see (SECURITY.md S4), and the widget
            # never renders the title of one they may not.
            kwargs["queryset"] = self.get_queryset(request).select_related(None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        comments = self.model._meta.get_field("comments").related_model
        attachments = self.model._meta.get_field("attachments").related_model
        return [
            inline_for(CommentInline, comments),
            inline_for(AttachmentInline, attachments),
            *self.sla_inlines(),
        ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_finished:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def record_label(self, obj) -> str:
        return obj.number

    # --- list columns and page blocks -----------------------------------------------------

    @admin.display(description="Priority", ordering="priority")
    def priority_badge(self, obj):
        return format_html(
            '<span class="priority-badge priority-{}" title="{}">P{}</span>',
            obj.priority,
            obj.get_priority_display(),
            obj.priority,
        )

    @admin.display(description="Group", ordering="assignment_group__name")
    def group(self, obj):
        return obj.assignment_group

    @admin.display(description="Age", ordering="reported_at")
    def age(self, obj):
        """Time since the record was reported (which staff may backdate), not logged."""
        return short_duration(timezone.now() - obj.reported_at)

    @admin.display(description="Version")
    def record_version(self, obj):
        return obj.version
