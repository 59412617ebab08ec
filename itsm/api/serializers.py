from rest_framework import serializers

from itsm.models import Category, ConfigurationItem, PriorityMatrixCell, Service, Team


class NamedRefSerializer(serializers.Serializer):
    """A reference to a named row (a team, a service, a category): its id and name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "tier", "email", "escalates_to", "is_active"]


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "name", "description", "owner_group", "criticality", "is_active"]


class ConfigurationItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConfigurationItem
        fields = [
            "id",
            "name",
            "ci_type",
            "service",
            "owner_group",
            "criticality",
            "depends_on",
            "is_active",
        ]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "kind", "name", "parent", "default_group", "is_active"]


class PriorityMatrixCellSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriorityMatrixCell
        fields = ["id", "impact", "urgency", "priority"]
