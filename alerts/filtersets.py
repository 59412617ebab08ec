"""Filters of the alerts API lists (each filtered column leads an index)."""

import django_filters

from alerts.models import AlertEvent, Integration
from itsm.filtersets import StrictFilterSet


class IntegrationFilter(StrictFilterSet):
    class Meta:
        model = Integration
        fields = ["kind"]


class AlertEventFilter(StrictFilterSet):
    integration = django_filters.NumberFilter(field_name="integration_id")

    class Meta:
        model = AlertEvent
        fields = ["status", "integration"]
