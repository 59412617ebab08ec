"""Status page API shapes. Staff read and write components and status incidents; the
public subscribes and confirms. Status and interval fields are read-only: they follow
the records, or a status set by hand through ``set-status``."""

from rest_framework import serializers

from incidents.models import Incident
from itsm.api.inputs import MAX_ID, StrictFieldsMixin, VersionedSerializer
from itsm.models import Service
from itsm.validators import validate_single_line
from statuspage.choices import ComponentStatus, Impact, UpdateState
from statuspage.models import Component, StatusIncident, StatusUpdate

BODY_LIMIT = 5000
COMPONENTS_LIMIT = 100


def _few(components):
    if len(components) > COMPONENTS_LIMIT:
        raise serializers.ValidationError(f"Name at most {COMPONENTS_LIMIT} components.")
    return components


class ComponentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Component
        fields = [
            "id",
            "service",
            "display_name",
            "group",
            "description",
            "is_public",
            "order",
            "status",
            "manual_status",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class ComponentWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    display_name = serializers.CharField(max_length=120, validators=[validate_single_line])
    group = serializers.CharField(
        max_length=80, required=False, allow_blank=True, validators=[validate_single_line]
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_public = serializers.BooleanField(required=False)
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class ComponentCreateSerializer(ComponentWriteSerializer):
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.all(), help_text="The business service it shows."
    )


class ComponentUpdateSerializer(VersionedSerializer, ComponentWriteSerializer):
    pass


class ComponentStatusSerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ComponentStatus.choices,
        allow_blank=True,
        help_text='Set by hand; "" hands the status back to the records.',
    )
    reason = serializers.CharField(max_length=2000, help_text="Recorded in the history.")
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="If given and stale, a 409."
    )


class StatusUpdateSerializer(serializers.ModelSerializer):
    posted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = StatusUpdate
        fields = ["id", "state", "body", "posted_at", "posted_by"]
        read_only_fields = fields


class StatusIncidentSerializer(serializers.ModelSerializer):
    incident = serializers.SlugRelatedField(slug_field="number", read_only=True)
    incident_id = serializers.IntegerField(read_only=True)
    components = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    updates = StatusUpdateSerializer(many=True, read_only=True)

    class Meta:
        model = StatusIncident
        fields = [
            "id",
            "incident",
            "incident_id",
            "title",
            "impact",
            "state",
            "components",
            "started_at",
            "resolved_at",
            "updates",
            "version",
        ]
        read_only_fields = fields


class StatusIncidentCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    incident = serializers.PrimaryKeyRelatedField(
        queryset=Incident.objects.all(), help_text="The major incident's id."
    )
    title = serializers.CharField(
        max_length=200, validators=[validate_single_line], help_text="Shown publicly."
    )
    body = serializers.CharField(max_length=BODY_LIMIT, help_text="The first public update.")
    impact = serializers.ChoiceField(choices=Impact.choices, required=False)
    state = serializers.ChoiceField(choices=UpdateState.choices, required=False)
    components = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Component.objects.all(),
        help_text="Default: the component of the incident's service.",
    )

    def validate_components(self, value):
        return _few(value)


class StatusUpdateCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    state = serializers.ChoiceField(choices=UpdateState.choices)
    body = serializers.CharField(max_length=BODY_LIMIT, help_text="Written for customers.")
    impact = serializers.ChoiceField(choices=Impact.choices, required=False)
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="If given and stale, a 409."
    )


class SubscribeSerializer(StrictFieldsMixin, serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    components = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Component.objects.filter(is_public=True),
        allow_empty=False,
        help_text="Ids of public components (see /status/api/summary.json).",
    )

    def validate_components(self, value):
        return _few(value)


class TokenSerializer(StrictFieldsMixin, serializers.Serializer):
    token = serializers.CharField(max_length=500, help_text="From the link in the e-mail.")


class SubscriptionAnswerSerializer(serializers.Serializer):
    detail = serializers.CharField()


class SubscriberStateSerializer(serializers.Serializer):
    component = serializers.CharField(source="component.display_name")
    confirmed = serializers.BooleanField(source="is_active")
