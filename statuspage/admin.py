"""Staff console pages of the status page. Every write goes through the services: the
component and maintenance forms call them from ``save_model``, the rest is read-only
(status incidents are posted from the incident's page)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from itsm.admin.history import ReadOnlyHistoryMixin, ReadOnlyInline, ReadOnlyRecordAdmin
from itsm.admin.refusals import REFUSALS, refusal_text
from statuspage import services
from statuspage.choices import ComponentStatus
from statuspage.models import (
    Component,
    Maintenance,
    StatusIncident,
    StatusInterval,
    StatusUpdate,
    Subscriber,
)
from statuspage.services.components import EDITABLE as COMPONENT_FIELDS
from statuspage.services.maintenance import EDITABLE as MAINTENANCE_FIELDS


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class ManualStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Follow the records (clear the manual status)"), *ComponentStatus.choices],
        required=False,
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Component)
class ComponentAdmin(NoDeleteMixin, ReadOnlyHistoryMixin):
    list_display = [
        "display_name",
        "service",
        "group",
        "status",
        "manual_status",
        "is_public",
        "order",
    ]
    list_filter = ["status", "is_public", "group"]
    list_select_related = ["service"]
    search_fields = ["display_name", "service__name"]
    autocomplete_fields = ["service"]
    readonly_fields = ["status", "manual_status", "set_status_link"]
    history_diff_extra_fields = ("status", "manual_status")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "service"] if obj is not None else fields

    @admin.display(description="Set by hand")
    def set_status_link(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        url = reverse("admin:statuspage_component_set_status", args=[obj.pk])
        return format_html('<a href="{}">Set the status by hand…</a>', url)

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in COMPONENT_FIELDS if name in form.cleaned_data
        }
        if change:
            services.component_update(component_id=obj.pk, actor=request.user, **fields)
        else:
            fields.pop("display_name", None)
            created = services.component_create(
                actor=request.user,
                service=form.cleaned_data["service"],
                display_name=form.cleaned_data["display_name"],
                **fields,
            )
            obj.pk = created.pk

    def get_urls(self):
        view = self.admin_site.admin_view(self.set_status_view)
        return [
            path("<path:object_id>/set-status/", view, name="statuspage_component_set_status"),
            *super().get_urls(),
        ]

    def set_status_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise Http404("No such component.")
        form = ManualStatusForm(request.POST or None, initial={"status": obj.manual_status})
        if request.method == "POST" and form.is_valid():
            try:
                services.component_set_status(
                    component_id=obj.pk,
                    actor=request.user,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                )
            except REFUSALS as exc:
                form.add_error(None, refusal_text(exc))
            else:
                self.message_user(request, f"{obj}: status updated.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:statuspage_component_change", args=[obj.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Set the status of {obj} by hand",
            "opts": self.opts,
            "original": obj,
            "form": form,
        }
        return TemplateResponse(request, "statuspage/admin/set_status.html", context)


@admin.register(StatusInterval)
class StatusIntervalAdmin(ReadOnlyRecordAdmin):
    list_display = ["component", "status", "started_at", "ended_at"]
    list_filter = ["status"]
    list_select_related = ["component"]
    date_hierarchy = None


class UpdateInline(ReadOnlyInline):
    model = StatusUpdate
    fields = ["posted_at", "state", "body", "posted_by"]
    readonly_fields = fields


@admin.register(StatusIncident)
class StatusIncidentAdmin(ReadOnlyRecordAdmin):
    list_display = ["title", "incident", "impact", "state", "started_at", "resolved_at"]
    list_filter = ["state", "impact"]
    list_select_related = ["incident"]
    search_fields = ["title", "incident__number"]
    inlines = [UpdateInline]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyRecordAdmin):
    list_display = ["posted_at", "status_incident", "state", "posted_by"]
    list_filter = ["state"]
    list_select_related = ["status_incident", "posted_by"]


@admin.register(Maintenance)
class MaintenanceAdmin(NoDeleteMixin, ReadOnlyHistoryMixin):
    list_display = ["title", "state", "starts_at", "ends_at", "change"]
    list_filter = ["state"]
    list_select_related = ["change"]
    search_fields = ["title"]
    filter_horizontal = ["components"]
    readonly_fields = ["state", "change"]
    actions = ["cancel_windows"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.change_id:
            fields += ["starts_at", "ends_at", "components"]
        return fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {name: data[name] for name in MAINTENANCE_FIELDS if name in data}
        components = list(data["components"]) if "components" in data else None
        if change:
            services.maintenance_update(
                maintenance_id=obj.pk, actor=request.user, components=components, **fields
            )
        else:
            obj.pk = services.maintenance_create(
                actor=request.user, components=components, **fields
            ).pk

    def save_related(self, request, form, formsets, change):
        """The service saved the components with the window."""

    @admin.action(description="Cancel the selected hand-entered windows", permissions=["change"])
    def cancel_windows(self, request, queryset):
        for maintenance in queryset:
            try:
                services.maintenance_cancel(maintenance_id=maintenance.pk, actor=request.user)
            except REFUSALS as exc:
                self.message_user(request, f"{maintenance}: {refusal_text(exc)}", messages.ERROR)


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyRecordAdmin):
    list_display = ["email", "component", "created_at", "confirmed_at", "unsubscribed_at"]
    list_select_related = ["component"]
    search_fields = ["email"]
