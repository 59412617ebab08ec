"""django-filter sets for reference data, shared by the API and the portal."""

import django_filters

from itsm.models import Category, ConfigurationItem, PriorityMatrixCell, Service, Team


class TeamFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Team
        fields = ["name", "tier", "is_active"]


class ServiceFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Service
        fields = ["name", "criticality", "owner_group", "is_active"]


class ConfigurationItemFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = ConfigurationItem
        fields = ["name", "ci_type", "service", "owner_group", "criticality", "is_active"]


class CategoryFilter(django_filters.FilterSet):
    top_level = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull")

    class Meta:
        model = Category
        fields = ["kind", "parent", "top_level", "is_active"]


class PriorityMatrixFilter(django_filters.FilterSet):
    class Meta:
        model = PriorityMatrixCell
        fields = ["impact", "urgency", "priority"]
