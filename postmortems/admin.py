"""The postmortem console: the record, its timeline and action items, its transitions.

Edits go through ``postmortems.services`` (a published or in-review postmortem's fields
are read-only; the service refuses too). The timeline and action items are read-only
inlines changed by operations on the page, and action-item progress stays open once
published. Transition buttons come from ``postmortems.workflow``.
"""

from django.contrib import admin
from django.utils.html import format_html

from itsm.admin.history import ReadOnlyHistoryMixin, ReadOnlyInline, ReadOnlyRecordAdmin
from itsm.admin.people import PeopleAutocompleteMixin
from itsm.admin.refusals import RecordAdminForm, ServiceFormAdminMixin
from itsm.admin.transitions import Operation, WorkflowAdminMixin
from itsm.admin_lists import BigTableAdminMixin
from postmortems import selectors, services
from postmortems.admin_forms import ActionItemForm, EntryEditForm, EntryForm, ProgressForm
from postmortems.choices import Status
from postmortems.models import LIST_ORDER, ActionItem, Postmortem, TimelineEntry
from postmortems.services.records import may_write
from postmortems.workflow import WORKFLOW

FIELDSETS = [
    (None, {"fields": ["incident", "title", "status", "owner", "due_at", "published_at"]}),
    ("Summary", {"fields": ["summary"]}),
    (
        "Customer impact",
        {
            "fields": [
                ("impact_started_at", "impact_ended_at"),
                "users_affected",
                "services_affected",
                "impact_description",
            ]
        },
    ),
    ("Root cause", {"fields": ["root_cause", "contributing_factors", "problem"]}),
    ("Detection", {"fields": ["detection", "detection_notes", "time_to_detect"]}),
    ("Lessons", {"fields": ["went_well", "went_badly", "got_lucky"]}),
    ("Exports", {"fields": ["exports"]}),
]
ALWAYS_READ_ONLY = ["incident", "status", "due_at", "published_at", "time_to_detect", "exports"]


class TimelineInline(ReadOnlyInline):
    model = TimelineEntry
    fields = ["at", "kind", "text", "source", "edited"]
    readonly_fields = fields


class ActionItemInline(ReadOnlyInline):
    model = ActionItem
    fields = ["title", "owner", "due_date", "status", "problem", "change"]
    readonly_fields = fields


def _draft_writer(request, postmortem) -> bool:
    return postmortem.status == Status.DRAFT and may_write(request.user, postmortem)


def _refresh(request, record_id, params):
    return services.postmortem_refresh_timeline(postmortem_id=record_id, actor=request.user)


def _add_entry(request, record_id, params):
    return services.timeline_entry_add(
        postmortem_id=record_id, actor=request.user, at=params["at"], text=params["text"]
    )


def _edit_entry(request, record_id, params):
    return services.timeline_entry_update(
        entry_id=params["entry"].pk, actor=request.user, at=params["at"], text=params["text"]
    )


def _add_action(request, record_id, params):
    fields = {k: params[k] for k in ("owner", "due_date", "problem", "change")}
    return services.action_item_add(
        postmortem_id=record_id, actor=request.user, title=params["title"], **fields
    )


def _progress(request, record_id, params):
    return services.action_item_progress(
        item_id=params["item"].pk, actor=request.user, status=params["status"]
    )


OPERATIONS = {
    "refresh_timeline": Operation(
        "Add new entries from the incident", _refresh, available=_draft_writer
    ),
    "add_entry": Operation("Add a timeline entry", _add_entry, EntryForm, _draft_writer),
    "edit_entry": Operation("Edit a timeline entry", _edit_entry, EntryEditForm, _draft_writer),
    "add_action": Operation("Add an action item", _add_action, ActionItemForm, _draft_writer),
    "action_progress": Operation(
        "Update action-item progress",
        _progress,
        ProgressForm,
        available=lambda request, postmortem: postmortem.action_items.exists(),
    ),
}


@admin.register(Postmortem)
class PostmortemAdmin(
    BigTableAdminMixin,
    PeopleAutocompleteMixin,
    WorkflowAdminMixin,
    ServiceFormAdminMixin,
    ReadOnlyHistoryMixin,
):
    form = RecordAdminForm
    workflow = WORKFLOW
    fieldsets = FIELDSETS
    inlines = [TimelineInline, ActionItemInline]
    people_fields = ("owner",)
    autocomplete_fields = ["problem"]
    filter_horizontal = ["services_affected"]
    list_display = ["title", "incident", "status", "owner", "due_at", "created_at"]
    list_select_related = ["incident", "owner"]
    list_filter = ["status"]
    search_fields = ["title", "incident__number"]
    sortable_by = ()
    ordering = list(LIST_ORDER)

    def get_queryset(self, request):
        return selectors.postmortem_list_visible_to(user=request.user)

    def has_add_permission(self, request):
        # Opened from the incident's page ("Write the postmortem"), never blank.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Status.DRAFT:
            return [name for _, opts in FIELDSETS for name in _flat(opts["fields"])]
        return [*ALWAYS_READ_ONLY, *super().get_readonly_fields(request, obj)]

    def run_transition(self, request, obj_pk, name, params):
        return services.postmortem_transition(
            postmortem_id=obj_pk, name=name, actor=request.user, **params
        )

    def get_operations(self):
        return OPERATIONS

    def update_via_service(self, request, obj, form):
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in services.EDITABLE
        }
        if not changes:
            return obj
        return services.postmortem_update(
            postmortem_id=obj.pk,
            actor=request.user,
            changes=changes,
            expected_version=form.cleaned_data.get("version"),
        )

    @admin.display(description="Time to detect")
    def time_to_detect(self, obj):
        return obj.time_to_detect or "-"

    @admin.display(description="Export")
    def exports(self, obj):
        return format_html(
            '<a href="{}">Markdown</a> · <a href="{}">PDF</a> · <a href="{}">Portal page</a>',
            f"{obj.get_absolute_url()}export.md",
            f"{obj.get_absolute_url()}export.pdf",
            obj.get_absolute_url(),
        )


def _flat(fields):
    for name in fields:
        if isinstance(name, (list, tuple)):
            yield from name
        else:
            yield name


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyRecordAdmin):
    list_display = ["at", "postmortem", "kind", "edited"]
    list_select_related = ["postmortem"]

    def get_queryset(self, request):
        visible = selectors.postmortem_list_visible_to(user=request.user).values("pk")
        return TimelineEntry.objects.filter(postmortem__in=visible)


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyRecordAdmin):
    list_display = ["title", "postmortem", "owner", "due_date", "status"]
    list_select_related = ["postmortem", "owner"]
    list_filter = ["status"]

    def get_queryset(self, request):
        visible = selectors.postmortem_list_visible_to(user=request.user).values("pk")
        return ActionItem.objects.filter(postmortem__in=visible)
