"""Read-only reference data endpoints."""

from itsm import filtersets, selectors
from itsm.api import serializers
from itsm.api.viewsets import ScopedReadOnlyViewSet


class TeamViewSet(ScopedReadOnlyViewSet):
    selector = selectors.team_list_visible_to
    serializer_class = serializers.TeamSerializer
    filterset_class = filtersets.TeamFilter
    search_fields = ["name"]
    ordering_fields = ["name", "tier"]


class ServiceViewSet(ScopedReadOnlyViewSet):
    selector = selectors.service_list_visible_to
    serializer_class = serializers.ServiceSerializer
    filterset_class = filtersets.ServiceFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "criticality"]


class ConfigurationItemViewSet(ScopedReadOnlyViewSet):
    selector = selectors.configuration_item_list_visible_to
    serializer_class = serializers.ConfigurationItemSerializer
    filterset_class = filtersets.ConfigurationItemFilter
    search_fields = ["name"]
    ordering_fields = ["name", "ci_type", "criticality"]


class CategoryViewSet(ScopedReadOnlyViewSet):
    selector = selectors.category_list_visible_to
    serializer_class = serializers.CategorySerializer
    filterset_class = filtersets.CategoryFilter
    search_fields = ["name"]
    ordering_fields = ["name", "kind"]


class PriorityMatrixViewSet(ScopedReadOnlyViewSet):
    selector = selectors.priority_matrix_list_visible_to
    serializer_class = serializers.PriorityMatrixCellSerializer
    filterset_class = filtersets.PriorityMatrixFilter
    ordering_fields = ["priority"]
