"""Changelists for tables that grow without bound (incidents, problems, changes, requests).

Django's defaults read the whole table on every changelist: an exact count for the
paginator, ``MIN``/``MAX`` and ``DISTINCT DATE_TRUNC`` for a date hierarchy, facet counts
per filter choice, any column the user clicks as a sort, and every joined relation the
selector asks for. :class:`BigTableAdminMixin` turns each of those off or bounds it, so a
changelist page costs the same at a million rows as at a thousand.
"""

import json

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to ``exact_up_to`` rows; past that, the planner's estimate.

    A filtered count stops after ``exact_up_to + 1`` rows (an index range, not the
    table). Past it the page links use PostgreSQL's row estimate, which the admin shows
    as the total; a page past the real end is simply empty. Other databases count.
    """

    exact_up_to = 1000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if connections[queryset.db].vendor != "postgresql":
            return queryset.count()
        # Kept in the list's order, the bounded count reads the list's own index.
        exact = queryset[: self.exact_up_to + 1].count()
        if exact <= self.exact_up_to:
            return exact
        return max(self.exact_up_to + 1, planner_rows(queryset))


def planner_rows(queryset) -> int:
    """PostgreSQL's estimate of the rows ``queryset`` returns (no rows are read)."""
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class BigTableChangeList(ChangeList):
    """Sorts only on ``sortable_by`` columns and loads only ``list_columns``."""

    def get_ordering_field(self, field_name):
        # A column that is not sortable in the header cannot be sorted by editing ?o= either.
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        columns = self.model_admin.list_columns
        if not columns:
            return queryset
        related = list(self.list_select_related or ())
        # The selector joins what detail pages need; the list joins what it shows.
        return queryset.select_related(None).select_related(*related).only(*columns, *related)


class BigTableAdminMixin:
    """The changelist settings for a table that grows without bound.

    Subclasses declare ``list_columns`` (the fields the list shows, including
    ``relation__field`` for joined ones), ``list_select_related``, and ``sortable_by``
    naming only columns with an index that matches the sort; the default ``ordering``
    should match an index too. Instead of a date hierarchy, filter on the date with
    ``admin.DateFieldListFilter`` (fixed ranges, no query to draw them).
    """

    list_columns: tuple[str, ...] = ()
    sortable_by: tuple[str, ...] = ()
    date_hierarchy = None
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return BigTableChangeList
