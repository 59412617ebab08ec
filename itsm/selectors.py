"""Reads of reference data. Every signed-in user may read active reference data."""

from django.db.models import QuerySet

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
