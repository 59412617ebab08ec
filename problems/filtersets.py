"""Problem and known-error filters, shared by the API and the admin-side lists.

Only the fields named here can be filtered or searched on; anything else in the query
string is ignored.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q

from itsm.choices import Priority
from itsm.selectors import category_list_visible_to, service_list_visible_to, team_list_visible_to
from problems.choices import ResolutionCode, RootCauseCategory, Status
from problems.models import Problem
from problems.selectors import search_words

MULTIPLE = ("status", "priority")


def _user(request):
    return getattr(request, "user", None)


def _teams(request):
    return team_list_visible_to(user=_user(request))


def _categories(request):
    return category_list_visible_to(user=_user(request))


def _services(request):
    return service_list_visible_to(user=_user(request))


class ProblemFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, help_text="Repeat to match any of several statuses."
    )
    priority = django_filters.TypedMultipleChoiceFilter(
        choices=Priority.choices, coerce=int, help_text="Repeat to match any of several."
    )
    assignment_group = django_filters.ModelChoiceFilter(queryset=_teams)
    assignee = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.all())
    category = django_filters.ModelChoiceFilter(queryset=_categories)
    service = django_filters.ModelChoiceFilter(queryset=_services)
    is_known_error = django_filters.BooleanFilter()
    workaround_published = django_filters.BooleanFilter()
    root_cause_category = django_filters.ChoiceFilter(choices=RootCauseCategory.choices)
    resolution_code = django_filters.ChoiceFilter(choices=ResolutionCode.choices)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    search = django_filters.CharFilter(
        method="filter_search", max_length=200, help_text="Number or title contains."
    )

    class Meta:
        model = Problem
        fields = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        if hasattr(data, "getlist"):
            # "?status=" means no status filter, not an invalid status.
            data = data.copy()
            for name in MULTIPLE:
                data.setlist(name, [value for value in data.getlist(name) if value])
        super().__init__(data, *args, request=request, **kwargs)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))


class KnownErrorFilter(django_filters.FilterSet):
    """What employees may filter published known errors on."""

    service = django_filters.ModelChoiceFilter(queryset=_services)
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text="Every word in the title, the workaround or the service name.",
    )

    class Meta:
        model = Problem
        fields = []

    def filter_search(self, queryset, name, value):
        for word in search_words(value):
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(workaround__icontains=word)
                | Q(service__name__icontains=word)
            )
        return queryset
