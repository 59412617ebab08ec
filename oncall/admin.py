"""Staff console: schedules (with who is on call), rotations, overrides, escalation
policies, chat webhooks, pages (acknowledge) and the delivery log."""

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from itsm.admin.history import ReadOnlyHistoryMixin, ReadOnlyInline, ReadOnlyRecordAdmin
from itsm.admin.people import PeopleAutocompleteMixin
from itsm.admin_lists import BigTableAdminMixin
from itsm.errors import Refused
from oncall import selectors, services
from oncall.choices import AckVia
from oncall.models import (
    ChatWebhook,
    EscalationLevel,
    EscalationPolicy,
    Override,
    Page,
    PageDelivery,
    Rotation,
    RotationMember,
    Schedule,
)

BOARD_DAYS = 7


class RotationInline(admin.TabularInline):
    model = Rotation
    extra = 0
    fields = [
        "position",
        "name",
        "time_zone",
        "starts_on",
        "handoff_time",
        "shift_length",
        "shift_unit",
        "weekdays",
        "active_from",
        "active_until",
    ]
    show_change_link = True


@admin.register(Schedule)
class ScheduleAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "team", "on_call_now", "is_active", "board_link"]
    list_filter = ["is_active"]
    search_fields = ["name", "team__name"]
    autocomplete_fields = ["team"]
    inlines = [RotationInline]

    def get_queryset(self, request):
        return selectors.schedules_with_rotations(since=timezone.now())

    @admin.display(description="On call now")
    def on_call_now(self, obj):
        names = [
            f"{row.rotation.name}: {row.user or 'nobody'}{' (override)' if row.by_override else ''}"
            for row in selectors.on_call(obj)
        ]
        return "; ".join(names) or "-"

    @admin.display(description="Who is on call")
    def board_link(self, obj):
        return format_html('<a href="{}">next {} days</a>', self._board_url(obj), BOARD_DAYS)

    def _board_url(self, obj):
        return reverse(f"{self.admin_site.name}:oncall_schedule_board", args=[obj.pk])

    def get_urls(self):
        view = self.admin_site.admin_view(self.board_view)
        return [path("<int:pk>/on-call/", view, name="oncall_schedule_board"), *super().get_urls()]

    def board_view(self, request, pk):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        schedule = self.get_queryset(request).filter(pk=pk).first()
        if schedule is None:
            raise Http404
        now = timezone.now()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Who is on call: {schedule}",
            "schedule": schedule,
            "now": selectors.on_call(schedule, now),
            "shifts": [
                (rot, selectors.rotation_shifts(rot, now, now + timedelta(days=BOARD_DAYS)))
                for rot in schedule.rotations.all()
            ],
        }
        return TemplateResponse(request, "admin/oncall/board.html", context)


class MemberInline(admin.TabularInline):
    model = RotationMember
    extra = 1
    fields = ["position", "user"]


class OverrideInline(admin.TabularInline):
    model = Override
    extra = 0
    fields = ["user", "replaces", "starts_at", "ends_at", "reason"]


@admin.register(Rotation)
class RotationAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "schedule", "position", "shift_length", "shift_unit", "time_zone"]
    list_select_related = ["schedule"]
    list_filter = ["shift_unit"]
    search_fields = ["name", "schedule__name"]
    autocomplete_fields = ["schedule"]
    inlines = [MemberInline, OverrideInline]


@admin.register(RotationMember)
class RotationMemberAdmin(PeopleAutocompleteMixin, ReadOnlyHistoryMixin):
    list_display = ["rotation", "position", "user"]
    list_select_related = ["rotation", "user"]
    people_fields = ("user",)
    autocomplete_fields = ["rotation"]


@admin.register(Override)
class OverrideAdmin(PeopleAutocompleteMixin, ReadOnlyHistoryMixin):
    list_display = ["rotation", "user", "replaces", "starts_at", "ends_at", "reason"]
    list_select_related = ["rotation", "user", "replaces"]
    search_fields = ["rotation__name", "user__username", "reason"]
    date_hierarchy = "starts_at"
    people_fields = ("user", "replaces")
    autocomplete_fields = ["rotation"]


class LevelInline(admin.TabularInline):
    model = EscalationLevel
    extra = 1
    fields = ["position", "target", "rotation", "delay_minutes"]


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "team", "repeat_count", "is_active"]
    list_select_related = ["team"]
    list_filter = ["is_active"]
    search_fields = ["name", "team__name"]
    autocomplete_fields = ["team"]
    inlines = [LevelInline]


@admin.register(EscalationLevel)
class EscalationLevelAdmin(ReadOnlyHistoryMixin):
    list_display = ["policy", "position", "target", "rotation", "delay_minutes"]
    list_select_related = ["policy", "rotation"]
    autocomplete_fields = ["policy", "rotation"]


@admin.register(ChatWebhook)
class ChatWebhookAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "team", "kind", "is_active"]
    list_select_related = ["team"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "team__name"]
    autocomplete_fields = ["team"]


class DeliveryInline(ReadOnlyInline):
    model = PageDelivery
    fields = ["channel", "webhook", "status", "attempts", "response_status", "last_error"]
    readonly_fields = fields


@admin.register(Page)
class PageAdmin(BigTableAdminMixin, ReadOnlyRecordAdmin):
    list_display = [
        "pk",
        "incident",
        "team",
        "person",
        "level_label",
        "sent_at",
        "next_step_at",
        "acknowledged_at",
        "acknowledged_by",
    ]
    list_select_related = ["incident", "team", "person", "acknowledged_by"]
    list_filter = ["acknowledged_via", "target", ("sent_at", admin.DateFieldListFilter)]
    search_fields = ["incident__number", "person__username", "team__name"]
    exclude = ["link_nonce"]
    inlines = [DeliveryInline]
    actions = ["acknowledge"]

    @admin.display(description="Step")
    def level_label(self, obj):
        return f"level {obj.level + 1}, round {obj.cycle + 1}"

    @admin.action(description="Acknowledge the selected pages")
    def acknowledge(self, request, queryset):
        done = 0
        for page_id in queryset.values_list("pk", flat=True):
            try:
                services.page_acknowledge(page_id=page_id, actor=request.user, via=AckVia.ADMIN)
            except Refused as exc:
                self.message_user(request, f"Page {page_id}: {exc.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, f"Acknowledged {done} page(s).", messages.SUCCESS)


@admin.register(PageDelivery)
class PageDeliveryAdmin(BigTableAdminMixin, ReadOnlyRecordAdmin):
    list_display = [
        "key",
        "page",
        "channel",
        "webhook",
        "status",
        "attempts",
        "response_status",
        "created_at",
        "delivered_at",
    ]
    list_select_related = ["page", "page__person", "webhook"]
    list_filter = ["status", "channel", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["key", "last_error"]
