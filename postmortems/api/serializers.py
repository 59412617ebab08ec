"""Postmortem API shapes: read-only (writes are the transitions)."""

from rest_framework import serializers

from itsm.models import ApprovalTrack
from postmortems.models import ActionItem, Postmortem, TimelineEntry


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
