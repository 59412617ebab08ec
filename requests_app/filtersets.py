"""Request, task and catalogue filters (API and portal lists)."""

import django_filters

from itsm.filtersets import StrictFilterSet
from requests_app.choices import Status, TaskStatus
from requests_app.models import CatalogItem, FulfilmentTask, ServiceRequest


class RequestFilter(StrictFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    item = django_filters.NumberFilter(field_name="item_id")

    class Meta:
        model = ServiceRequest
        fields = []


class TaskFilter(StrictFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=TaskStatus.choices)
    group = django_filters.NumberFilter(field_name="group_id")
    assignee = django_filters.NumberFilter(field_name="assignee_id")

    class Meta:
        model = FulfilmentTask
        fields = []


class CatalogItemFilter(StrictFilterSet):
    category = django_filters.NumberFilter(field_name="category_id")
    search = django_filters.CharFilter(method="search_items", max_length=100)

    class Meta:
        model = CatalogItem
        fields = []

    def search_items(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(name__icontains=value) | Q(short_description__icontains=value))
