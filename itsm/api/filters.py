"""The API's filter backend: a filter parameter sent empty is an error, not "no filter".

The portal's filter forms submit every field, empty ones included, and read empty as
"any"; an API client that sends ``?criticality=`` has a bug, and answering with every row
would hide it (and contradict the schema, whose enums have no empty value).
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

MESSAGE = "Give a value or leave the parameter out."


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            empty = [
                name
                for name in filterset_class.base_filters
                if "" in request.query_params.getlist(name)
            ]
            if empty:
                raise ValidationError({name: [MESSAGE] for name in sorted(empty)})
        return super().filter_queryset(request, queryset, view)
