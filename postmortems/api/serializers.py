"""Postmortem API shapes: what staff read, and the inputs of the edits (status is never
an input: it moves through the transitions)."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from changes.models import Change
from incidents.models import Incident
from itsm.api.inputs import StrictFieldsMixin, VersionedSerializer
from itsm.markup import MAX_LENGTH
from itsm.models import ApprovalTrack, Service
from itsm.validators import validate_single_line
from postmortems.choices import ActionStatus, Detection
from postmortems.models import ActionItem, Postmortem, TimelineEntry
from problems.models import Problem


class TimelineEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = TimelineEntry
        fields = ["id", "at", "kind", "text", "source", "edited"]
        read_only_fields = fields


class ActionItemSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="problem, change or task.")
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    problem = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    change = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)

    class Meta:
        model = ActionItem
        fields = ["id", "title", "kind", "owner", "due_date", "status", "problem", "change"]
        read_only_fields = fields


class SignOffSerializer(serializers.ModelSerializer):
    policy = serializers.CharField(source="policy.name", read_only=True)

    class Meta:
        model = ApprovalTrack
        fields = ["id", "policy", "state", "started_at", "ended_at"]
        read_only_fields = fields


class PostmortemSerializer(serializers.ModelSerializer):
    incident = serializers.SlugRelatedField(slug_field="number", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    open_actions = serializers.IntegerField(read_only=True)

    class Meta:
        model = Postmortem
        fields = [
            "id",
            "incident",
            "title",
            "status",
            "owner",
            "due_at",
            "published_at",
            "open_actions",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class PostmortemDetailSerializer(PostmortemSerializer):
    services_affected = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    problem = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    impact_minutes = serializers.SerializerMethodField()
    time_to_detect_minutes = serializers.SerializerMethodField()
    timeline = TimelineEntrySerializer(many=True, read_only=True)
    action_items = ActionItemSerializer(many=True, read_only=True)

    class Meta(PostmortemSerializer.Meta):
        fields = [
            *PostmortemSerializer.Meta.fields,
            "summary",
            "impact_started_at",
            "impact_ended_at",
            "impact_minutes",
            "users_affected",
            "impact_description",
            "services_affected",
            "root_cause",
            "contributing_factors",
            "problem",
            "detection",
            "detection_notes",
            "time_to_detect_minutes",
            "went_well",
            "went_badly",
            "got_lucky",
            "timeline",
            "action_items",
        ]
        read_only_fields = fields

    def get_impact_minutes(self, postmortem) -> int | None:
        duration = postmortem.impact_duration
        return None if duration is None else int(duration.total_seconds() // 60)

    def get_time_to_detect_minutes(self, postmortem) -> int | None:
        duration = postmortem.time_to_detect
        return None if duration is None else int(duration.total_seconds() // 60)


# --- Inputs -----------------------------------------------------------------------------


def _ref(queryset, **kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, required=False, allow_null=True, **kwargs
    )


def _text(**kwargs):
    return serializers.CharField(required=False, allow_blank=True, max_length=MAX_LENGTH, **kwargs)


def _title(**kwargs):
    return serializers.CharField(max_length=200, validators=[validate_single_line], **kwargs)


class PostmortemCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    incident = serializers.PrimaryKeyRelatedField(
        queryset=Incident.objects.all(), help_text="The major incident's id."
    )
    title = _title(required=False, help_text="Default: the incident's title.")


class PostmortemUpdateSerializer(VersionedSerializer, StrictFieldsMixin, serializers.Serializer):
    title = _title(required=False)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False
    )
    summary = _text()
    impact_started_at = serializers.DateTimeField(required=False, allow_null=True)
    impact_ended_at = serializers.DateTimeField(required=False, allow_null=True)
    users_affected = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2**31 - 1
    )
    impact_description = _text()
    services_affected = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Service.objects.all()
    )
    root_cause = _text()
    contributing_factors = _text()
    problem = _ref(Problem.objects.all())
    detection = serializers.ChoiceField(choices=Detection.choices, required=False, allow_blank=True)
    detection_notes = _text()
    went_well = _text()
    went_badly = _text()
    got_lucky = _text()


class ActionItemWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    title = _title()
    owner = _ref(get_user_model().objects.filter(is_active=True))
    due_date = serializers.DateField(required=False, allow_null=True)
    problem = _ref(Problem.objects.all(), help_text="A problem, or a change, not both.")
    change = _ref(Change.objects.all())


class ActionItemUpdateSerializer(ActionItemWriteSerializer):
    title = _title(required=False)


class ActionItemProgressSerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)


class ActionItemDetailSerializer(ActionItemSerializer):
    postmortem = serializers.IntegerField(source="postmortem_id", read_only=True)

    class Meta(ActionItemSerializer.Meta):
        fields = [*ActionItemSerializer.Meta.fields, "postmortem", "updated_at"]
        read_only_fields = fields
