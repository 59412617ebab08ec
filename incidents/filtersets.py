"""Incident filters, shared by the API and the portal.

Only the fields named here can be filtered, searched or ordered on; anything else in the
query string is ignored. Employees get the filters and orderings on fields they can read;
staff-only ones (assignee, major, SLA due times) are dropped for them, so a hidden value
cannot be probed through a filter.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from incidents.choices import OPEN_STATUSES, Status
from incidents.models import Incident
from itsm.choices import Priority
from itsm.filtersets import StrictBooleanFilter, StrictFilterSet
from itsm.roles import is_agent
from itsm.selectors import category_list_visible_to, service_list_visible_to, team_list_visible_to

ORDERING_FIELDS = ("created_at", "updated_at", "priority", "resolution_due_at", "number")
EMPLOYEE_ORDERING_FIELDS = ("created_at", "updated_at", "priority", "number")
STAFF_ONLY_FILTERS = ("assignee", "is_major", "breached")
MULTIPLE = ("status", "priority")


def ordering_fields_for(user) -> tuple[str, ...]:
    return ORDERING_FIELDS if is_agent(user) else EMPLOYEE_ORDERING_FIELDS


def _user(request):
    return getattr(request, "user", None)


def _teams(request):
    return team_list_visible_to(user=_user(request))


def _categories(request):
    return category_list_visible_to(user=_user(request))


def _services(request):
    return service_list_visible_to(user=_user(request))


def overdue() -> Q:
    """Breached, from stored fields: still open and past the resolution due time.

    Recorded breach events are not consulted: a resolved or cancelled incident is not
    "breached" for this filter even if it was late, and an open one counts from the
    moment its due time passes, before the SLA job has recorded the event.
    """
    return Q(status__in=OPEN_STATUSES, resolution_due_at__lt=timezone.now())


class IncidentFilter(StrictFilterSet):
    # distinct=False: these match the incident's own columns, so no row can repeat, and a
    # SELECT DISTINCT over every column would sort the whole filtered table.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        distinct=False,
        help_text="Repeat to match any of several statuses.",
    )
    priority = django_filters.TypedMultipleChoiceFilter(
        choices=Priority.choices,
        coerce=int,
        distinct=False,
        help_text="Repeat to match any of several.",
    )
    assignment_group = django_filters.ModelChoiceFilter(queryset=_teams)
    assignee = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), help_text="Staff only."
    )
    category = django_filters.ModelChoiceFilter(queryset=_categories)
    service = django_filters.ModelChoiceFilter(queryset=_services)
    is_major = StrictBooleanFilter(help_text="Staff only.")
    breached = StrictBooleanFilter(
        method="filter_breached",
        help_text="Staff only. True: open and past the resolution due time.",
    )
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updated_before = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="lt")
    search = django_filters.CharFilter(
        method="filter_search", max_length=200, help_text="Number or title contains."
    )

    class Meta:
        model = Incident
        fields = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        if hasattr(data, "getlist"):
            # "?status=" means no status filter, not an invalid status.
            data = data.copy()
            for name in MULTIPLE:
                data.setlist(name, [value for value in data.getlist(name) if value])
        super().__init__(data, *args, request=request, **kwargs)
        if not is_agent(_user(request)):
            for name in STAFF_ONLY_FILTERS:
                self.filters.pop(name)

    def filter_breached(self, queryset, name, value):
        return queryset.filter(overdue()) if value else queryset.exclude(overdue())

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))
