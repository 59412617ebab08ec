"""Staff console pages: integrations (with their endpoint and a test alert), the inbox with
its failures and replay, alert events, maintenance windows."""

import json

from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from alerts import sample_alerts, services
from alerts.choices import InboxState
from alerts.models import AlertEvent, AlertInbox, Integration, MaintenanceWindow
from itsm.admin.history import ReadOnlyHistoryMixin, ReadOnlyRecordAdmin
from itsm.admin_lists import BigTableAdminMixin


@admin.register(Integration)
class IntegrationAdmin(ReadOnlyHistoryMixin):
    list_display = ["name", "kind", "endpoint", "service", "assignment_group", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["service", "assignment_group"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["service", "configuration_item", "assignment_group"]
    readonly_fields = ["endpoint"]
    actions = ["send_test_alert"]

    @admin.display(description="Endpoint URL")
    def endpoint(self, obj):
        return obj.endpoint_path() if obj.pk else "-"

    @admin.action(description="Send a test alert")
    def send_test_alert(self, request, queryset):
        for integration in queryset:
            body, headers = sample_alerts.delivery(integration, at=timezone.now())
            with transaction.atomic():
                inbox = services.inbox_receive(integration=integration, body=body, headers=headers)
            self.message_user(
                request, f"{integration.name}: test alert stored as inbox row {inbox.pk}."
            )


@admin.register(AlertInbox)
class AlertInboxAdmin(BigTableAdminMixin, ReadOnlyRecordAdmin):
    list_display = ["id", "integration", "received_at", "state", "attempts", "short_error"]
    list_filter = ["state"]
    list_select_related = ["integration"]
    readonly_fields = ["pretty_body"]
    exclude = ["body"]
    actions = ["replay"]

    @admin.display(description="Error")
    def short_error(self, obj):
        return obj.error[:120]

    @admin.display(description="Body")
    def pretty_body(self, obj):
        try:
            text = json.dumps(json.loads(obj.body), indent=2)[:20000]
        except ValueError:
            text = obj.body[:20000]
        return format_html("<pre>{}</pre>", text)

    @admin.action(description="Replay (process again)", permissions=["view"])
    def replay(self, request, queryset):
        states = [
            services.inbox_replay(inbox_id=inbox_id, actor=request.user).state
            for inbox_id in queryset.values_list("pk", flat=True)
        ]
        done = states.count(InboxState.DONE)
        failed = len(states) - done
        level = messages.WARNING if failed else messages.SUCCESS
        self.message_user(request, f"Replayed: {done} processed, {failed} failed.", level)


@admin.register(AlertEvent)
class AlertEventAdmin(BigTableAdminMixin, ReadOnlyRecordAdmin):
    list_display = [
        "title",
        "integration",
        "status",
        "count",
        "last_seen",
        "incident_link",
        "suppressed",
        "flapping",
    ]
    list_filter = ["status", "suppressed", "flapping"]
    list_select_related = ["integration", "incident"]
    search_fields = ["title", "grouping_key", "incident__number"]

    @admin.display(description="Incident")
    def incident_link(self, obj):
        if obj.incident is None:
            return "-"
        url = reverse("admin:incidents_incident_change", args=[obj.incident_id])
        return format_html('<a href="{}">{}</a>', url, obj.incident.number)


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(ReadOnlyHistoryMixin):
    list_display = ["reason", "configuration_item", "service", "start", "end"]
    list_select_related = ["configuration_item", "service"]
    autocomplete_fields = ["configuration_item", "service"]
    search_fields = ["reason"]
