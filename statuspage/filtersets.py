"""Status page filters for the API lists (each has an index: see the models' Meta)."""

import django_filters

from itsm.filtersets import StrictBooleanFilter, StrictFilterSet
from statuspage.models import Component, StatusIncident


class ComponentFilter(StrictFilterSet):
    is_public = StrictBooleanFilter(help_text="Shown on the public page (true) or internal.")

    class Meta:
        model = Component
        fields = ["is_public"]


class StatusIncidentFilter(StrictFilterSet):
    active = StrictBooleanFilter(
        field_name="resolved_at",
        lookup_expr="isnull",
        help_text="Not resolved yet (true) or resolved (false).",
    )
    incident = django_filters.NumberFilter(
        field_name="incident_id", help_text="The major incident's id."
    )

    class Meta:
        model = StatusIncident
        fields = ["active", "incident"]
