"""Staff console pages for approval policies (edited, audited) and approval tracks (read)."""

from django.contrib import admin

from itsm.admin.history import ReadOnlyHistoryMixin, ReadOnlyInline, ReadOnlyRecordAdmin
from itsm.models import Approval, ApprovalPolicy, ApprovalStep, ApprovalTrack


class ApprovalStepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0
    fields = ["order", "kind", "group", "person", "required"]
    autocomplete_fields = ["group", "person"]


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "record_type", "key", "is_active"]
    list_filter = ["record_type", "is_active"]
    search_fields = ["name", "key"]
    inlines = [ApprovalStepInline]


class ApprovalInline(ReadOnlyInline):
    model = Approval
    fields = [
        "step",
        "approver",
        "decision",
        "comment",
        "record_version",
        "decided_at",
        "voided_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("step__policy", "approver")


@admin.register(ApprovalTrack)
class ApprovalTrackAdmin(ReadOnlyRecordAdmin):
    list_display = ["__str__", "content_type", "object_id", "step", "state", "step_opened_at"]
    list_filter = ["state"]
    list_select_related = ["policy", "content_type", "step__policy", "step__group", "step__person"]
    inlines = [ApprovalInline]


@admin.register(ApprovalStep)
class ApprovalStepAdmin(ReadOnlyHistoryMixin):
    list_display = ["__str__", "policy", "order", "kind", "required"]
    list_filter = ["kind"]
    list_select_related = ["policy", "group", "person"]
    autocomplete_fields = ["group", "person"]


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyRecordAdmin):
    list_display = ["approver", "decision", "track", "step", "decided_at", "voided_at"]
    list_filter = ["decision"]
    list_select_related = [
        "approver",
        "track__policy",
        "step__policy",
        "step__person",
        "step__group",
    ]
