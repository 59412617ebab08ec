"""Staff console pages of stakeholder communication: read-only lists with history. The
list is kept and updates are sent from the incident's page (``comms.incident_admin``)."""

from django.contrib import admin

from comms.models import MissedCadence, Stakeholder, StakeholderUpdate, UpdateDelivery
from itsm.admin.history import ReadOnlyInline, ReadOnlyRecordAdmin


@admin.register(Stakeholder)
class StakeholderAdmin(ReadOnlyRecordAdmin):
    list_display = ["incident", "person", "team", "subscriber", "automatic", "added_at"]
    list_filter = ["automatic"]
    list_select_related = ["incident", "person", "team", "subscriber"]
    search_fields = ["incident__number"]


class DeliveryInline(ReadOnlyInline):
    model = UpdateDelivery
    fields = ["channel", "address", "webhook", "status", "attempts", "delivered_at", "last_error"]
    readonly_fields = fields


@admin.register(StakeholderUpdate)
class StakeholderUpdateAdmin(ReadOnlyRecordAdmin):
    list_display = ["sent_at", "incident", "sent_by", "channels"]
    list_select_related = ["incident", "sent_by"]
    search_fields = ["incident__number"]
    inlines = [DeliveryInline]


@admin.register(UpdateDelivery)
class UpdateDeliveryAdmin(ReadOnlyRecordAdmin):
    list_display = ["key", "channel", "status", "attempts", "created_at", "delivered_at"]
    list_filter = ["status", "channel"]
    search_fields = ["key"]


@admin.register(MissedCadence)
class MissedCadenceAdmin(ReadOnlyRecordAdmin):
    list_display = ["incident", "due_at", "interval_minutes", "recorded_at"]
    list_select_related = ["incident"]
    search_fields = ["incident__number"]
