"""Filters of the on-call lists, shared by the API."""

import django_filters

from itsm.filtersets import StrictBooleanFilter, StrictFilterSet
from oncall.models import Page, Schedule


class ScheduleFilter(StrictFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Schedule
        fields = ["name", "team", "is_active"]


class PageFilter(StrictFilterSet):
    open = StrictBooleanFilter(field_name="acknowledged_at", lookup_expr="isnull")

    class Meta:
        model = Page
        fields = ["incident", "team", "person", "open"]
