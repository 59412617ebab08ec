"""django-filter sets for reference data, shared by the API and the portal, and the
strict base every filter set of the project uses."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

from itsm.models import Category, ConfigurationItem, PriorityMatrixCell, Service, Team


class StrictBooleanField(forms.Field):
    """``true``/``false`` (or 1/0); anything else is an error, not "no filter".

    django-filter's own boolean filter reads an unknown value as "not given", so a
    misspelt ``?is_active=yes`` silently returns every row.
    """

    widget = forms.TextInput
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.VALUES[str(value).lower()]
        except KeyError:
            raise ValidationError("Use true or false.", code="invalid") from None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictFilterSet(django_filters.FilterSet):
    """The base of every filter set: booleans declared from model fields are strict too."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


class TeamFilter(StrictFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Team
        fields = ["name", "tier", "is_active"]


class ServiceFilter(StrictFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Service
        fields = ["name", "criticality", "owner_group", "is_active"]


class ConfigurationItemFilter(StrictFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = ConfigurationItem
        fields = ["name", "ci_type", "service", "owner_group", "criticality", "is_active"]


class CategoryFilter(StrictFilterSet):
    top_level = StrictBooleanFilter(field_name="parent", lookup_expr="isnull")

    class Meta:
        model = Category
        fields = ["kind", "parent", "top_level", "is_active"]


class PriorityMatrixFilter(StrictFilterSet):
    class Meta:
        model = PriorityMatrixCell
        fields = ["impact", "urgency", "priority"]
