"""Reads of reference data (every signed-in user may read active reference data), and the
scope that record types share for "the records I am part of" (:class:`AnyOf`)."""

from django.db.models import BooleanField, Expression, Q, QuerySet

from itsm.models import Category, ConfigurationItem, PriorityMatrixCell, Service, Team
from itsm.roles import is_agent


def team_list_visible_to(*, user) -> QuerySet[Team]:
    qs = Team.objects.select_related("escalates_to", "manager")
    return qs if is_agent(user) else qs.filter(is_active=True)


def service_list_visible_to(*, user) -> QuerySet[Service]:
    qs = Service.objects.select_related("owner_group")
    return qs if is_agent(user) else qs.filter(is_active=True)


def configuration_item_list_visible_to(*, user) -> QuerySet[ConfigurationItem]:
    qs = ConfigurationItem.objects.select_related("service", "owner_group").prefetch_related(
        "depends_on"
    )
    return qs if is_agent(user) else qs.filter(is_active=True)


def category_list_visible_to(*, user) -> QuerySet[Category]:
    qs = Category.objects.select_related("parent", "default_group")
    return qs if is_agent(user) else qs.filter(is_active=True)


def priority_matrix_list_visible_to(*, user) -> QuerySet[PriorityMatrixCell]:
    return PriorityMatrixCell.objects.all()


class AnyOf(Expression):
    """A filter for "the rows that match any of these conditions", e.g. the incidents an
    employee reported, is affected by or watches.

    As a filter it is ``pk IN (branch UNION branch ...)``: one index lookup per branch,
    correct wherever the queryset goes (counts, subqueries, detail lookups). Lists read it
    differently: :func:`itsm.keyset.first_rows` and :func:`itsm.keyset.bounded_count`
    take the first rows of each branch on its own index, with the list's other filters,
    order and cursor, and merge them, so a page costs the same whether the branches hold
    fifty rows or fifty thousand. Each branch should be served by an index that starts
    with its condition and ends in the list's order.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, model, *branches: Q):
        super().__init__()
        self.model, self.branches, self.condition = model, branches, None

    def branch_ids(self) -> QuerySet:
        rows = self.model._base_manager.order_by()
        first, *rest = [rows.filter(branch).values("pk") for branch in self.branches]
        return first.union(*rest) if rest else first

    def get_source_expressions(self):
        return [] if self.condition is None else [self.condition]

    def set_source_expressions(self, exprs):
        if exprs:
            (self.condition,) = exprs

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        resolved = self.copy()
        resolved.condition = query.build_where(Q(pk__in=self.branch_ids()))
        return resolved

    def as_sql(self, compiler, connection):
        return compiler.compile(self.condition)
