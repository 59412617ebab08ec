"""The admin's SLA pieces for any record type with clocks (see :mod:`itsm.sla.records`).

A record admin sets ``sla`` to its record type's :class:`~itsm.sla.records.RecordSla`
(``RecordAdmin`` mixes in :class:`SlaAdminMixin`); it then has the "SLA" list column and
the :class:`SlaFilter` (both read only the stored, indexed due time, never a row's
pauses), the "How the SLA was counted" block for the change page, and the inlines of the
record's pauses and events. :class:`SlaPauseAdmin` and :class:`SlaEventAdmin` list those
rows across records.
"""

from datetime import timedelta

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from itsm.admin.columns import short_duration
from itsm.admin.contributions import RecordRowAdmin, inline_for
from itsm.admin.history import ReadOnlyInline
from itsm.sla.clock import is_past
from itsm.sla.models import SlaClock
from itsm.sla.records import DUE_FIELDS, RecordSla

SOON = timedelta(hours=1)


def sla_summary(sla: RecordSla, record, now, clock: str = SlaClock.RESOLUTION) -> tuple[str, str]:
    """(state, text) of one clock from the row's stored fields only.

    Breached means what it means everywhere (:func:`itsm.sla.clock.is_past`): running
    past the due time, or stopped after it.
    """
    due = getattr(record, DUE_FIELDS[clock])
    status = getattr(record, sla.status_field)
    stop = getattr(record, sla.stops[clock])
    if status in sla.open_statuses and stop is None:
        if due is None:
            if status in sla.pause_statuses:
                return "paused", "paused"
            return "none", "no SLA"
        if is_past(due, now):
            return "breached", f"breached {short_duration(now - due)} ago"
        return ("soon" if due - now <= SOON else "ok"), f"{short_duration(due - now)} left"
    if due is None or stop is None:
        return "none", "-"
    if is_past(due, stop):
        return "breached", f"missed by {short_duration(stop - due)}"
    return "ok", "met"


class SlaFilter(admin.SimpleListFilter):
    """The resolution clock's state from the stored, indexed due time (never per row)."""

    title = "resolution SLA"
    parameter_name = "sla"

    def __init__(self, request, params, model, model_admin):
        self.sla = model_admin.sla
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("soon", "Breaching within 1 hour"), ("breached", "Breached"), ("paused", "Paused")]

    def queryset(self, request, queryset):
        now = timezone.now()
        due = DUE_FIELDS[SlaClock.RESOLUTION]
        open_ = queryset.filter(**{f"{self.sla.status_field}__in": self.sla.open_statuses})
        if self.value() == "soon":
            return open_.filter(**{f"{due}__gte": now, f"{due}__lte": now + SOON})
        if self.value() == "breached":
            return open_.filter(**{f"{due}__lt": now})
        if self.value() == "paused":
            return open_.filter(
                **{f"{self.sla.status_field}__in": self.sla.pause_statuses, f"{due}__isnull": True}
            )
        return queryset


class SlaAdminMixin:
    """The SLA column (``sla_left``), change-page block (``sla_explanation``) and inlines.

    ``sla`` is None for a record type without clocks.
    """

    sla: RecordSla | None = None

    def sla_inlines(self) -> list:
        if self.sla is None:
            return []
        events = self.model._meta.get_field(self.sla.events_name).related_model
        pauses = self.model._meta.get_field(self.sla.pauses_name).related_model
        return [inline_for(SlaEventInlineBase, events), inline_for(SlaPauseInlineBase, pauses)]

    @admin.display(description="SLA", ordering=DUE_FIELDS[SlaClock.RESOLUTION])
    def sla_left(self, obj):
        state, text = sla_summary(self.sla, obj, timezone.now())
        return format_html('<span class="sla-{}">{}</span>', state, text)

    @admin.display(description="How the SLA was counted")
    def sla_explanation(self, obj):
        clocks = self.sla.explain(obj)
        return render_to_string("admin/itsm/sla_explanation.html", {"clocks": clocks})


class SlaPauseInlineBase(ReadOnlyInline):
    fields = ["reason", "started_at", "ended_at"]
    readonly_fields = fields


class SlaEventInlineBase(ReadOnlyInline):
    fields = ["clock", "kind", "occurred_at", "recorded_at"]
    readonly_fields = fields


class SlaPauseAdmin(RecordRowAdmin):
    list_filter = ["reason"]

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.list_display = [self.record_field, "reason", "started_at", "ended_at"]
        self.search_fields = [f"{self.record_field}__number"]


class SlaEventAdmin(RecordRowAdmin):
    list_filter = ["clock", "kind"]

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.list_display = [self.record_field, "clock", "kind", "occurred_at", "recorded_at"]
        self.search_fields = [f"{self.record_field}__number"]
