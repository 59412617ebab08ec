from rest_framework import serializers

from oncall.models import Page, Rotation, Schedule


class RotationSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField(help_text="User ids in hand-off order.")

    class Meta:
        model = Rotation
        fields = [
            "id",
            "name",
            "position",
            "time_zone",
            "starts_on",
            "handoff_time",
            "shift_length",
            "shift_unit",
            "weekdays",
            "active_from",
            "active_until",
            "members",
        ]

    def get_members(self, obj) -> list[int]:
        return [row.user_id for row in obj.members.all()]


class OnCallSerializer(serializers.Serializer):
    schedule = serializers.IntegerField(source="rotation.schedule_id")
    team = serializers.IntegerField(source="rotation.schedule.team_id")
    rotation = serializers.IntegerField(source="rotation.pk")
    rotation_name = serializers.CharField(source="rotation.name")
    user = serializers.IntegerField(source="user.pk", allow_null=True, default=None)
    username = serializers.CharField(source="user.username", allow_null=True, default=None)
    by_override = serializers.BooleanField()


class ScheduleSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    rotations = RotationSerializer(many=True, read_only=True)

    class Meta:
        model = Schedule
        fields = ["id", "name", "team", "team_name", "is_active", "rotations"]


class PageSerializer(serializers.ModelSerializer):
    incident_number = serializers.CharField(source="incident.number", read_only=True)
    person_username = serializers.CharField(source="person.username", read_only=True)

    class Meta:
        model = Page
        fields = [
            "id",
            "incident",
            "incident_number",
            "team",
            "person",
            "person_username",
            "cycle",
            "level",
            "target",
            "sent_at",
            "next_step_at",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledged_via",
        ]
        read_only_fields = fields
