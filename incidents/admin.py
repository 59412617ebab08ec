"""The incident triage console: queues, the incident page, and the rows hanging off it.

Every write here goes through ``incidents.services``: edits through ``incident_update``,
new incidents through ``incident_create``, status changes (buttons and bulk actions)
through ``incident_transition``, comments through ``incident_comment_add``.
"""

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html

from incidents import services, sla
from incidents.admin_forms import (
    ADD_FIELDSETS,
    CHANGE_FIELDSETS,
    READONLY_FIELDS,
    AssignForm,
    CommentForm,
    DeclareMajorForm,
    HoldForm,
    IncidentAdminForm,
    PriorityOverrideForm,
    ResolveForm,
)
from incidents.choices import OPEN_STATUSES, Status
from incidents.models import Incident, IncidentAttachment, IncidentComment, SlaEvent, SlaPause
from incidents.selectors import DETAIL_RELATED, incident_list_visible_to, sees_all_incidents
from incidents.workflow import WORKFLOW
from itsm.admin_mixins import (
    Operation,
    OptionalReasonForm,
    PeopleAutocompleteMixin,
    ReadOnlyHistoryMixin,
    ReadOnlyInline,
    ReadOnlyRecordAdmin,
    ServiceFormAdminMixin,
    WorkflowAdminMixin,
    transition_action,
)
from itsm.models import Team
from itsm.roles import is_agent
from itsm.workflow import TransitionNotAllowed

FINISHED = (Status.CLOSED, Status.CANCELLED)
SOON = timedelta(hours=1)
CHILDREN_SHOWN = 50


def short_duration(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m" if minutes else "<1m"


def sla_summary(incident, now) -> tuple[str, str]:
    """(state, text) of the resolution clock from the row's stored fields only."""
    due = incident.resolution_due_at
    if incident.status in OPEN_STATUSES:
        if due is None:
            if incident.status == Status.ON_HOLD:
                return "paused", "paused"
            return "none", "no SLA"
        if due <= now:
            return "breached", f"breached {short_duration(now - due)} ago"
        return ("soon" if due - now <= SOON else "ok"), f"{short_duration(due - now)} left"
    if due is None or incident.resolved_at is None:
        return "none", "-"
    if incident.resolved_at <= due:
        return "ok", "met"
    return "breached", f"missed by {short_duration(incident.resolved_at - due)}"


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", "Assigned to me"),
            ("my_groups", "My groups"),
            ("unassigned", "Unassigned (open)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(assignee=request.user)
        if self.value() == "my_groups":
            return queryset.filter(assignment_group__in=Team.objects.filter(members=request.user))
        if self.value() == "unassigned":
            return queryset.filter(assignee__isnull=True, status__in=OPEN_STATUSES)
        return queryset


class SlaFilter(admin.SimpleListFilter):
    """SLA state from the stored, indexed due time (never computed per row)."""

    title = "resolution SLA"
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [("soon", "Breaching within 1 hour"), ("breached", "Breached"), ("paused", "Paused")]

    def queryset(self, request, queryset):
        now = timezone.now()
        open_ = queryset.filter(status__in=OPEN_STATUSES)
        if self.value() == "soon":
            return open_.filter(resolution_due_at__gt=now, resolution_due_at__lte=now + SOON)
        if self.value() == "breached":
            return open_.filter(resolution_due_at__lte=now)
        if self.value() == "paused":
            return open_.filter(status=Status.ON_HOLD, resolution_due_at__isnull=True)
        return queryset


class MajorFilter(admin.BooleanFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "major incident"


def _assign_to_me(request) -> dict:
    team = (
        Team.objects.filter(members=request.user, is_active=True).order_by("tier", "name").first()
    )
    if team is None:
        raise TransitionNotAllowed(
            "no_team", "You are not a member of any assignment group.", status=400
        )
    return {"group": team, "assignee": request.user}


class CommentInline(ReadOnlyInline):
    model = IncidentComment
    fields = ["created_at", "author", "visibility", "body"]
    readonly_fields = fields
    verbose_name = "comment or work note"
    verbose_name_plural = "Comments and work notes (add one with the button at the top)"

    def get_queryset(self, request):
        comments = super().get_queryset(request).select_related("author")
        if sees_all_incidents(request.user):
            return comments
        return comments.filter(visibility=IncidentComment.Visibility.PUBLIC)


class AttachmentInline(ReadOnlyInline):
    model = IncidentAttachment
    fields = ["download", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description="File")
    def download(self, obj):
        return attachment_link(obj)


def attachment_link(attachment):
    try:
        url = reverse("incidents:attachment", kwargs={"pk": attachment.pk})
    except NoReverseMatch:
        return attachment.original_name
    return format_html('<a href="{}">{}</a>', url, attachment.original_name)


class SlaPauseInline(ReadOnlyInline):
    model = SlaPause
    fields = ["reason", "started_at", "ended_at"]
    readonly_fields = fields


class SlaEventInline(ReadOnlyInline):
    model = SlaEvent
    fields = ["clock", "kind", "occurred_at", "recorded_at"]
    readonly_fields = fields


@admin.register(Incident)
class IncidentAdmin(
    PeopleAutocompleteMixin, WorkflowAdminMixin, ServiceFormAdminMixin, ReadOnlyHistoryMixin
):
    form = IncidentAdminForm
    workflow = WORKFLOW
    transition_forms = {
        "assign": AssignForm,
        "hold": HoldForm,
        "resolve": ResolveForm,
        "escalate_to_manager": OptionalReasonForm,
        "declare_major": DeclareMajorForm,
    }
    extra_operations = {
        "comment": Operation("Add comment or work note", CommentForm),
        "override_priority": Operation("Override priority", PriorityOverrideForm),
    }
    actions = [
        transition_action(
            "assign", "Assign to me", params=_assign_to_me, action_name="assign_to_me"
        ),
        transition_action("assign", "Assign to a group", action_name="assign_to_group"),
        transition_action("escalate", "Escalate to the next tier"),
        transition_action("resolve", "Resolve"),
    ]

    list_display = [
        "number",
        "title",
        "priority_badge",
        "status",
        "group",
        "assignee",
        "sla_left",
        "age",
    ]
    list_display_links = ["number", "title"]
    list_select_related = ["assignment_group", "assignee"]
    list_filter = [
        "status",
        "priority",
        QueueFilter,
        SlaFilter,
        "assignment_group",
        ("is_major", MajorFilter),
    ]
    search_fields = ["number", "title", "reporter__username", "reporter__email"]
    search_help_text = "Number, title, or the reporter's username or e-mail."
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    show_full_result_count = False
    list_per_page = 50

    people_fields = ("affected_user",)
    autocomplete_fields = [
        "category",
        "subcategory",
        "service",
        "configuration_item",
        "parent",
        "duplicate_of",
    ]
    readonly_fields = READONLY_FIELDS

    # --- reads -------------------------------------------------------------------------

    def get_queryset(self, request):
        return incident_list_visible_to(user=request.user)

    def get_object(self, request, object_id, from_field=None):
        try:
            pk = Incident._meta.pk.to_python(object_id)
        except ValidationError:
            return None
        # Only the children the user may see: a restricted child's title stays hidden.
        children = (
            self.get_queryset(request)
            .select_related(None)
            .only("pk", "number", "title", "status")
            .order_by("number")[:CHILDREN_SHOWN]
        )
        return (
            self.get_queryset(request)
            .select_related(*DETAIL_RELATED)
            .prefetch_related(Prefetch("children", children, to_attr="visible_children"))
            .filter(pk=pk)
            .first()
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("parent", "duplicate_of"):
            # Links only to incidents the user may see (SECURITY.md S4), and the widget
            # never renders the title of one they may not.
            kwargs["queryset"] = incident_list_visible_to(user=request.user).select_related(None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return CHANGE_FIELDSETS if obj is not None else ADD_FIELDSETS

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        return [CommentInline, AttachmentInline, SlaEventInline, SlaPauseInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status in FINISHED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def record_label(self, obj) -> str:
        return obj.number

    # --- list columns ------------------------------------------------------------------

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

    @admin.display(description="SLA", ordering="resolution_due_at")
    def sla_left(self, obj):
        state, text = sla_summary(obj, timezone.now())
        return format_html('<span class="sla-{}">{}</span>', state, text)

    @admin.display(description="Age", ordering="created_at")
    def age(self, obj):
        return short_duration(timezone.now() - obj.created_at)

    # --- change page blocks ------------------------------------------------------------

    @admin.display(description="Child incidents")
    def children_list(self, obj):
        context = {"records": obj.visible_children, "opts": Incident._meta}
        return render_to_string("admin/itsm/linked_records.html", context)

    @admin.display(description="How the SLA was counted")
    def sla_explanation(self, obj):
        return render_to_string("admin/itsm/sla_explanation.html", {"clocks": sla.explain(obj)})

    @admin.display(description="Version")
    def record_version(self, obj):
        return obj.version

    # --- writes, all through the services ----------------------------------------------

    def create_via_service(self, request, form):
        data = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in services.STAFF_EDITABLE
        }
        return services.incident_create(actor=request.user, **data)

    def update_via_service(self, request, obj, form):
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.STAFF_EDITABLE
        }
        return services.incident_update(
            incident_id=obj.pk,
            actor=request.user,
            changes=changes,
            expected_version=form.cleaned_data["version"],
        )

    def run_transition(self, request, obj_pk, name, params):
        return services.incident_transition(
            incident_id=obj_pk, name=name, actor=request.user, **params
        )

    def operation_available(self, request, obj, name) -> bool:
        if name == "override_priority":
            return obj.is_open and is_agent(request.user)
        return obj.status not in FINISHED

    def run_operation(self, request, obj_pk, name, params):
        if name == "comment":
            return services.incident_comment_add(
                incident_id=obj_pk,
                actor=request.user,
                body=params["body"],
                visibility=params["visibility"],
            )
        return services.incident_override_priority(
            incident_id=obj_pk,
            actor=request.user,
            priority=params["priority"],
            reason=params["reason"],
            expected_version=params.get("expected_version"),
        )


class IncidentRowAdmin(ReadOnlyRecordAdmin):
    """Rows of an incident, limited to the incidents the user may see."""

    list_select_related = ["incident"]

    def get_queryset(self, request):
        visible = incident_list_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(incident_id__in=visible)


@admin.register(IncidentComment)
class IncidentCommentAdmin(IncidentRowAdmin):
    list_display = ["incident", "author", "visibility", "created_at"]
    list_select_related = ["incident", "author"]
    list_filter = ["visibility"]
    search_fields = ["incident__number", "body"]
    date_hierarchy = "created_at"
    fields = ["incident", "author", "visibility", "created_at", "body"]

    def get_queryset(self, request):
        comments = super().get_queryset(request)
        if sees_all_incidents(request.user):
            return comments
        return comments.filter(visibility=IncidentComment.Visibility.PUBLIC)


@admin.register(IncidentAttachment)
class IncidentAttachmentAdmin(IncidentRowAdmin):
    list_display = ["original_name", "incident", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["incident", "uploaded_by"]
    search_fields = ["incident__number", "original_name"]
    date_hierarchy = "uploaded_at"
    fields = ["incident", "download", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["download"]

    @admin.display(description="File")
    def download(self, obj):
        return attachment_link(obj)


@admin.register(SlaPause)
class SlaPauseAdmin(IncidentRowAdmin):
    list_display = ["incident", "reason", "started_at", "ended_at"]
    list_filter = ["reason"]
    search_fields = ["incident__number"]


@admin.register(SlaEvent)
class SlaEventAdmin(IncidentRowAdmin):
    list_display = ["incident", "clock", "kind", "occurred_at", "recorded_at"]
    list_filter = ["clock", "kind"]
    search_fields = ["incident__number"]
    date_hierarchy = "occurred_at"
