"""The change console: what is particular to changes on top of ``RecordAdmin``.

Transition buttons (approve and reject included), bulk actions, comments, attachments
and history come from ``itsm.admin.records.RecordAdmin`` and the transition table; edits
go through ``change_update``, new changes through ``change_create``. The changelist shows
type, risk, status, planned window, the conflicts flag and approvals progress from one
query (``selectors.change_list_with_approvals``).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.template.loader import render_to_string

from changes import selectors, services
from changes.choices import OPEN_STATUSES, Risk
from changes.models import (
    LIST_ORDER,
    Change,
    ChangeAttachment,
    ChangeComment,
    FreezeWindow,
    StandardChangeTemplate,
    TemplateVersion,
)
from itsm.admin.contributions import AttachmentAdmin, CommentAdmin
from itsm.admin.history import ReadOnlyHistoryMixin, ReadOnlyRecordAdmin
from itsm.admin.records import RecordAdmin
from itsm.admin.refusals import RecordAdminForm
from itsm.admin.transitions import Operation, TransitionForm
from itsm.errors import Refused

ADD_FIELDSETS = [
    (None, {"fields": ["change_type", "title", "description", "justification"]}),
    ("Scope", {"fields": ["category", "services", "configuration_items", "problem"]}),
    ("People", {"fields": ["change_manager", "implementation_group", "implementer"]}),
    ("Plans", {"fields": ["implementation_plan", "backout_plan", "test_plan"]}),
    ("Window", {"fields": [("planned_start", "planned_end"), "outage_expected"]}),
]
CHANGE_FIELDSETS = [
    (
        None,
        {"fields": ["number", ("change_type", "status"), "title", "description", "justification"]},
    ),
    (
        "Scope",
        {"fields": ["category", "services", "configuration_items", "problem", "template_version"]},
    ),
    (
        "People",
        {"fields": ["requested_by", "change_manager", "implementation_group", "implementer"]},
    ),
    (
        "Risk",
        {
            "fields": [
                ("risk", "computed_risk", "risk_score"),
                "risk_rule",
                "risk_answers",
                "risk_override_reason",
            ],
            "description": "Computed from the questionnaire; override it with the button above.",
        },
    ),
    ("Plans", {"fields": ["implementation_plan", "backout_plan", "test_plan"]}),
    (
        "Window",
        {
            "fields": [
                ("planned_start", "planned_end"),
                "outage_expected",
                ("actual_start", "actual_end"),
                "conflicts",
                "conflict_acknowledgement",
                "freeze_override_reason",
            ]
        },
    ),
    (
        "Emergency",
        {
            "fields": [
                "emergency_justification",
                ("retrospective_due_at", "retrospective_approved_at"),
            ]
        },
    ),
    ("Review", {"fields": ["closure_code", "review_notes", "closed_at", "review_figures"]}),
    ("Record", {"fields": [("created_at", "updated_at"), "record_version"]}),
]
EDITABLE_IN_ADMIN = services.STAFF_EDITABLE - {"risk_answers"}
READONLY_FIELDS = [
    name for name in flatten_fieldsets(CHANGE_FIELDSETS) if name not in EDITABLE_IN_ADMIN
]


class ChangeAdminForm(RecordAdminForm):
    class Meta:
        model = Change
        fields = sorted(EDITABLE_IN_ADMIN | {"change_type"})

    def clean(self):
        cleaned = super().clean()
        for name in ("description", "justification", "implementation_plan", "backout_plan"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].replace("\r\n", "\n")
        return cleaned


class RiskOverrideForm(TransitionForm):
    risk = forms.ChoiceField(choices=Risk.choices)
    reason = forms.CharField(
        max_length=2000, required=False, help_text="Required unless you restore the computed level."
    )


def _override_risk(request, record_id, params):
    return services.change_override_risk(
        change_id=record_id,
        actor=request.user,
        risk=params["risk"],
        reason=params.get("reason", ""),
        expected_version=params.get("expected_version"),
    )


@admin.register(Change)
class ChangeAdmin(RecordAdmin):
    form = ChangeAdminForm
    detail_related = tuple(selectors.DETAIL_RELATED)
    open_statuses = frozenset(OPEN_STATUSES)
    extra_operations = {
        "override_risk": Operation(
            "Override the risk",
            _override_risk,
            RiskOverrideForm,
            available=lambda request, change: not change.is_finished,
        ),
    }
    list_display = [
        "number",
        "title",
        "change_type",
        "risk",
        "status",
        "planned_start",
        "planned_end",
        "conflicts_flag",
        "approvals_progress",
        "implementer",
    ]
    list_display_links = ["number", "title"]
    list_select_related = ["implementer"]
    sortable_by = ("number", "planned_start")
    list_filter = [
        "change_type",
        "status",
        "risk",
        ("planned_start", admin.DateFieldListFilter),
        "implementation_group",
    ]
    search_fields = ["number", "title"]
    search_help_text = "Number or title."
    ordering = list(LIST_ORDER)
    people_fields = ("change_manager", "implementer")
    autocomplete_fields = ["category", "implementation_group"]
    filter_horizontal = ["services", "configuration_items"]
    readonly_fields = READONLY_FIELDS

    def get_queryset(self, request):
        return (
            selectors.change_list_with_approvals(user=request.user)
            .select_related(None)
            .select_related("implementer")
        )

    def get_detail_queryset(self, request):
        return selectors.change_list_visible_to(user=request.user).select_related(
            *self.detail_related
        )

    def get_object(self, request, object_id, from_field=None):
        change = super().get_object(request, object_id, from_field)
        if change is not None:
            change.viewed_by = request.user  # whose incidents the review figures count
        return change

    @admin.display(description="Incidents")
    def review_figures(self, obj):
        review = selectors.change_review(user=obj.viewed_by, change=obj)
        return render_to_string("changes/_review.html", {"change": obj, "review": review})

    def get_fieldsets(self, request, obj=None):
        return CHANGE_FIELDSETS if obj is not None else ADD_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        return READONLY_FIELDS if obj is not None else []

    @admin.display(description="Conflicts", boolean=True)
    def conflicts_flag(self, obj):
        return obj.has_conflicts

    @admin.display(description="Approvals")
    def approvals_progress(self, obj):
        if obj.approvals_needed is None:
            return "-"
        return f"{obj.approvals_given} of {obj.approvals_needed}"

    def create_via_service(self, request, form):
        data = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in services.STAFF_EDITABLE | {"change_type"} and value not in (None, "")
        }
        return services.change_create(actor=request.user, **data)

    def update_via_service(self, request, obj, form):
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.STAFF_EDITABLE
        }
        return services.change_update(
            change_id=obj.pk,
            actor=request.user,
            changes=changes,
            expected_version=form.cleaned_data["version"],
        )


@admin.register(StandardChangeTemplate)
class StandardChangeTemplateAdmin(ReadOnlyRecordAdmin):
    list_display = ["name", "is_active", "created_at"]
    search_fields = ["name"]


@admin.register(TemplateVersion)
class TemplateVersionAdmin(ReadOnlyRecordAdmin):
    """Versions are written by the template services; CAB members approve them here."""

    list_display = ["template", "number", "risk", "status", "created_by", "decided_at"]
    list_select_related = ["template", "created_by"]
    list_filter = ["status", "risk"]
    actions = ["approve_versions"]

    @admin.action(description="Approve the selected versions (CAB)")
    def approve_versions(self, request, queryset):
        for version in queryset.select_related("template"):
            try:
                services.template_version_decide(
                    version_id=version.pk, actor=request.user, decision="approved"
                )
            except Refused as refused:
                self.message_user(
                    request, f"{version.number_label}: {refused.message}", messages.ERROR
                )
            else:
                self.message_user(request, f"{version.number_label}: decision recorded.")


@admin.register(FreezeWindow)
class FreezeWindowAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "starts_at", "ends_at", "is_active"]
    list_filter = ["is_active"]
    filter_horizontal = ["services"]
    ordering = ["-starts_at"]


admin.site.register(ChangeComment, CommentAdmin)
admin.site.register(ChangeAttachment, AttachmentAdmin)
