"""The service request console: catalogue editing, requests and fulfilment tasks.

Requests and tasks come from the record admin bases: transition buttons and bulk actions
built from their tables (task actions: assign, start, done, cancel), comments,
attachments, SLA and read-only history. Requests are submitted through the portal and
the API (their answers need the item's form), so the admin does not add them. Items are
saved through ``catalog_item_save`` (history and the item's approval policy together);
questions and task templates are edited inline and audited by their history.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html

from itsm.admin.bulk import transition_action
from itsm.admin.contributions import AttachmentAdmin, CommentAdmin
from itsm.admin.history import ReadOnlyHistoryMixin, ReadOnlyRecordAdmin
from itsm.admin.records import RecordAdmin
from itsm.admin.sla import SlaEventAdmin, SlaFilter, SlaPauseAdmin, sla_summary
from itsm.admin.transitions import WorkflowAdminMixin
from itsm.admin_lists import BigTableAdminMixin
from itsm.roles import role_allows
from requests_app import selectors, services
from requests_app.choices import OPEN_STATUSES
from requests_app.models import (
    LIST_ORDER,
    CatalogCategory,
    CatalogItem,
    FulfilmentTask,
    Question,
    RequestAttachment,
    RequestComment,
    RequestSlaEvent,
    RequestSlaPause,
    ServiceRequest,
    TaskTemplate,
)
from requests_app.sla import REQUEST_SLA
from requests_app.task_workflow import TASK_WORKFLOW

REQUEST_FIELDS = [
    "number",
    "status",
    "item",
    "title",
    "requested_by",
    "requested_for",
    "quantity",
    "answers",
    "priority",
    "outcome_reason",
    "submitted_at",
    "approved_at",
    "responded_at",
    "fulfilled_at",
    "confirmed_at",
    "closed_at",
    "sla_policy",
    "response_due_at",
    "resolution_due_at",
    "record_version",
]


@admin.register(CatalogCategory)
class CatalogCategoryAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name"]
    ordering = ["order", "name"]


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = [
        ("key", "label", "kind", "required", "order"),
        "help_text",
        "choices",
        ("minimum", "maximum", "pattern"),
        ("condition_question", "condition_value"),
    ]
    fk_name = "item"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "condition_question":
            item_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Question.objects.filter(
                item_id=item_id if str(item_id).isdigit() else None
            ).select_related("item")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TaskTemplateInline(admin.TabularInline):
    model = TaskTemplate
    extra = 0
    fields = ["order", "title", "group"]


@admin.register(CatalogItem)
class CatalogItemAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "category", "approval", "fulfilment_group", "delivery_days"]
    list_select_related = ["category", "fulfilment_group"]
    list_filter = ["category", "approval", "is_active"]
    search_fields = ["name", "short_description"]
    ordering = ["category__order", "order", "name"]
    filter_horizontal = ["audience"]
    inlines = [QuestionInline, TaskTemplateInline]
    fieldsets = [
        (None, {"fields": ["category", "name", "short_description", "description", "icon"]}),
        ("Who may request it", {"fields": ["audience"]}),
        ("Approval", {"fields": ["approval", "approver_group"]}),
        ("Fulfilment", {"fields": ["fulfilment_group", "delivery_days", "sla_policy"]}),
        ("Catalogue", {"fields": ["order", "is_active"]}),
    ]

    def save_model(self, request, obj, form, change):
        services.catalog_item_save(item=obj, actor=request.user)


@admin.register(ServiceRequest)
class ServiceRequestAdmin(RecordAdmin):
    sla = REQUEST_SLA
    open_statuses = frozenset(OPEN_STATUSES)
    detail_related = ("item", "requested_by", "requested_for", "sla_policy")
    list_display = [
        "number",
        "title",
        "status",
        "requested_for",
        "approval_step",
        "task_progress",
        "sla_left",
        "created_at",
    ]
    list_display_links = ["number", "title"]
    sortable_by = ("number", "created_at")
    list_filter = ["status", SlaFilter, "item__category", "item"]
    search_fields = ["number", "title"]
    search_help_text = "Number or item."
    ordering = list(LIST_ORDER)
    fields = REQUEST_FIELDS
    readonly_fields = REQUEST_FIELDS

    def get_queryset(self, request):
        return selectors.request_list_with_progress(user=request.user)

    def get_detail_queryset(self, request):
        return selectors.request_list_visible_to(user=request.user).select_related(
            *self.detail_related
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description="Approval step")
    def approval_step(self, obj):
        return "-" if obj.approval_step is None else f"step {obj.approval_step}"

    @admin.display(description="Tasks done")
    def task_progress(self, obj):
        return f"{obj.tasks_done} of {obj.tasks_total}" if obj.tasks_total else "-"


class TaskSlaFilter(admin.SimpleListFilter):
    title = "request SLA"
    parameter_name = "request_sla"

    def lookups(self, request, model_admin):
        return [("breached", "Request resolution breached")]

    def queryset(self, request, queryset):
        if self.value() == "breached":
            return queryset.filter(
                request__resolution_due_at__lt=timezone.now(), request__fulfilled_at__isnull=True
            )
        return queryset


@admin.register(FulfilmentTask)
class FulfilmentTaskAdmin(BigTableAdminMixin, WorkflowAdminMixin, ReadOnlyHistoryMixin):
    """The fulfilment queue: by group, status, assignee and the request's SLA time left
    (a bounded count: the queue grows without bound)."""

    list_display = ["__str__", "status", "group", "assignee", "request_sla_left", "created_at"]
    list_select_related = ["request", "group", "assignee"]
    list_filter = ["status", "group", TaskSlaFilter, "assignee"]
    search_fields = ["request__number", "title"]
    sortable_by = ("created_at",)
    ordering = ["-created_at", "-id"]
    fields = [
        "request",
        "title",
        "group",
        "assignee",
        "order",
        "status",
        "started_at",
        "finished_at",
        "record_version",
    ]
    readonly_fields = fields
    actions = [transition_action(t.name, t.label) for t in TASK_WORKFLOW.offered_in("admin_bulk")]

    @property
    def workflow(self):
        return TASK_WORKFLOW

    def run_transition(self, request, obj_pk, name, params):
        return services.task_transition(task_id=obj_pk, name=name, actor=request.user, **params)

    def get_queryset(self, request):
        return selectors.task_list_visible_to(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_finished:
            return False
        return role_allows(request.user, "requests_app", "change")

    def record_label(self, obj) -> str:
        return str(obj)

    @admin.display(description="Version")
    def record_version(self, obj):
        return obj.version

    @admin.display(description="Request SLA left")
    def request_sla_left(self, obj):
        state, text = sla_summary(REQUEST_SLA, obj.request, timezone.now())
        return format_html('<span class="sla-{}">{}</span>', state, text)


@admin.register(Question)
class QuestionAdmin(ReadOnlyRecordAdmin):
    """Questions are edited on their item's page; this list is for reading and history."""

    list_display = ["label", "item", "kind", "required", "order"]
    list_select_related = ["item"]
    list_filter = ["kind"]
    search_fields = ["label", "key", "item__name"]


@admin.register(TaskTemplate)
class TaskTemplateAdmin(ReadOnlyRecordAdmin):
    """Task templates are edited on their item's page."""

    list_display = ["title", "item", "order", "group"]
    list_select_related = ["item", "group"]
    search_fields = ["title", "item__name"]


admin.site.register(RequestComment, CommentAdmin)
admin.site.register(RequestAttachment, AttachmentAdmin)
admin.site.register(RequestSlaPause, SlaPauseAdmin)
admin.site.register(RequestSlaEvent, SlaEventAdmin)
