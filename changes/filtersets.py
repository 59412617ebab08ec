"""Change filters for the API: type, status, risk, window range, item, service."""

import django_filters

from changes.choices import ChangeType, Risk, Status
from changes.models import Change, StandardChangeTemplate
from itsm.filtersets import StrictFilterSet


class ChangeFilter(StrictFilterSet):
    change_type = django_filters.MultipleChoiceFilter(choices=ChangeType.choices)
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    risk = django_filters.MultipleChoiceFilter(choices=Risk.choices)
    window_from = django_filters.IsoDateTimeFilter(
        field_name="planned_end", lookup_expr="gt", help_text="Windows ending after this."
    )
    window_to = django_filters.IsoDateTimeFilter(
        field_name="planned_start", lookup_expr="lt", help_text="Windows starting before this."
    )
    configuration_item = django_filters.NumberFilter(
        field_name="configuration_items", distinct=True
    )
    service = django_filters.NumberFilter(field_name="services", distinct=True)

    class Meta:
        model = Change
        fields = []


class TemplateFilter(StrictFilterSet):
    class Meta:
        model = StandardChangeTemplate
        fields = ["is_active"]
