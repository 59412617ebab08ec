"""Staff console pages for the service desk's reference data."""

from django.contrib import admin

from itsm.admin_mixins import NoWritesMixin, ReadOnlyHistoryMixin
from itsm.models import (
    BusinessCalendar,
    Category,
    ConfigurationItem,
    Holiday,
    NotificationLog,
    NumberSequence,
    PriorityMatrixCell,
    Service,
    SlaPolicy,
    SlaTarget,
    Team,
    WorkingHours,
)


@admin.register(Team)
class TeamAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "tier", "manager", "escalates_to", "email", "is_active"]
    list_filter = ["tier", "is_active"]
    list_select_related = ["manager", "escalates_to"]
    search_fields = ["name", "email"]
    autocomplete_fields = ["manager", "escalates_to", "members"]


@admin.register(Service)
class ServiceAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "criticality", "owner_group", "restricted", "is_active"]
    list_filter = ["criticality", "restricted", "is_active"]
    list_select_related = ["owner_group"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["owner_group"]

    def get_readonly_fields(self, request, obj=None):
        # Change managers edit services; who may read confidential records is an
        # administrator's decision.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("restricted")
        return fields


@admin.register(ConfigurationItem)
class ConfigurationItemAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "ci_type", "service", "owner_group", "criticality", "is_active"]
    list_filter = ["ci_type", "criticality", "is_active"]
    list_select_related = ["service", "owner_group"]
    search_fields = ["name"]
    autocomplete_fields = ["service", "owner_group", "depends_on"]


@admin.register(Category)
class CategoryAdmin(ReadOnlyHistoryMixin):
    list_display = ["__str__", "kind", "default_group", "restricted", "is_active"]
    list_filter = ["kind", "restricted", "is_active"]
    list_select_related = ["parent", "default_group"]
    search_fields = ["name", "parent__name"]
    autocomplete_fields = ["parent", "default_group"]


@admin.register(PriorityMatrixCell)
class PriorityMatrixCellAdmin(ReadOnlyHistoryMixin):
    list_display = ["impact", "urgency", "priority"]
    list_editable = ["priority"]
    list_filter = ["impact", "urgency"]


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "time_zone"]
    search_fields = ["name"]
    inlines = [WorkingHoursInline, HolidayInline]


@admin.register(WorkingHours)
class WorkingHoursAdmin(ReadOnlyHistoryMixin):
    list_display = ["calendar", "weekday", "start", "end"]
    list_filter = ["calendar", "weekday"]
    list_select_related = ["calendar"]


@admin.register(Holiday)
class HolidayAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "calendar", "first_day", "last_day"]
    list_filter = ["calendar"]
    list_select_related = ["calendar"]
    date_hierarchy = "first_day"


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "kind", "calendar", "is_default"]
    list_filter = ["kind"]
    list_select_related = ["calendar"]
    inlines = [SlaTargetInline]


@admin.register(SlaTarget)
class SlaTargetAdmin(ReadOnlyHistoryMixin):
    list_display = ["policy", "priority", "response_minutes", "resolution_minutes"]
    list_filter = ["policy", "priority"]
    list_select_related = ["policy"]


class ReadOnlyAdmin(NoWritesMixin, admin.ModelAdmin):
    """For system-written tables nobody edits by hand."""


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "last_value"]


@admin.register(NotificationLog)
class NotificationLogAdmin(ReadOnlyAdmin):
    list_display = ["key", "channel", "subject", "sent_at"]
    search_fields = ["key", "subject"]
    date_hierarchy = "sent_at"
    show_full_result_count = False
