from rest_framework import serializers

from alerts.models import AlertEvent, Integration


class IntegrationSerializer(serializers.ModelSerializer):
    """An integration without its secret."""

    endpoint = serializers.SerializerMethodField()

    class Meta:
        model = Integration
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "is_active",
            "endpoint",
            "service",
            "configuration_item",
            "assignment_group",
            "impact",
            "urgency",
            "grouping_template",
            "resolve_incident",
        ]

    def get_endpoint(self, obj) -> str:
        return obj.endpoint_path()


class AlertEventSerializer(serializers.ModelSerializer):
    incident_number = serializers.CharField(source="incident.number", default=None)

    class Meta:
        model = AlertEvent
        fields = [
            "id",
            "integration",
            "grouping_key",
            "current",
            "status",
            "title",
            "incident",
            "incident_number",
            "previous",
            "count",
            "first_seen",
            "last_seen",
            "cleared_at",
            "suppressed",
            "flapping",
            "flapping_since",
        ]


class AlertsAcceptedSerializer(serializers.Serializer):
    """The answer once the delivery is stored: it is processed in the background."""

    id = serializers.IntegerField(help_text="The inbox row that holds the delivery.")
    alerts = serializers.IntegerField(help_text="How many alerts it carries.")
