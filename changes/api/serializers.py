"""Change API serializers: explicit field lists; writes check shape only."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from changes.choices import ChangeType
from changes.models import Change, StandardChangeTemplate, TemplateVersion
from changes.selectors import change_review
from itsm.api.inputs import RecordReadSerializer, StrictFieldsMixin, VersionedSerializer
from itsm.models import ApprovalTrack, Category, ConfigurationItem, Service, Team
from itsm.validators import validate_single_line
from problems.models import Problem

READ_FIELDS = (
    "id",
    "number",
    "change_type",
    "title",
    "description",
    "justification",
    "status",
    "requested_by",
    "change_manager",
    "implementation_group",
    "implementer",
    "category",
    "services",
    "configuration_items",
    "template_version",
    "risk",
    "computed_risk",
    "risk_score",
    "risk_rule",
    "risk_answers",
    "risk_override_reason",
    "implementation_plan",
    "backout_plan",
    "test_plan",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "outage_expected",
    "problem",
    "conflicts",
    "conflict_acknowledgement",
    "freeze_override_reason",
    "emergency_justification",
    "retrospective_due_at",
    "retrospective_approved_at",
    "closure_code",
    "review_notes",
    "closed_at",
    "created_at",
    "updated_at",
    "version",
)


class ChangeSerializer(RecordReadSerializer):
    """What change staff read (every reader of changes is staff)."""

    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    change_manager = serializers.CharField(
        source="change_manager.username", read_only=True, allow_null=True
    )
    implementer = serializers.CharField(
        source="implementer.username", read_only=True, allow_null=True
    )
    services = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    configuration_items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Change
        fields = READ_FIELDS
        read_only_fields = READ_FIELDS


class CausedIncidentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)


class ReviewSerializer(serializers.Serializer):
    """``changes.selectors.Review``: incidents on the change's items either side of its
    window (null without one) and the incidents marked as caused by it."""

    days = serializers.IntegerField(read_only=True)
    start = serializers.DateTimeField(read_only=True, allow_null=True)
    end = serializers.DateTimeField(read_only=True, allow_null=True)
    before = serializers.IntegerField(read_only=True, allow_null=True)
    after = serializers.IntegerField(read_only=True, allow_null=True)
    caused = serializers.IntegerField(read_only=True)
    caused_incidents = CausedIncidentSerializer(many=True, read_only=True)


class ChangeDetailSerializer(ChangeSerializer):
    """The list fields plus the review figures (detail only: they cost two queries)."""

    review = serializers.SerializerMethodField()

    class Meta(ChangeSerializer.Meta):
        fields = (*READ_FIELDS, "review")
        read_only_fields = fields

    @extend_schema_field(ReviewSerializer)
    def get_review(self, change) -> dict:
        user = self.context["request"].user
        return ReviewSerializer(change_review(user=user, change=change)).data


def _id_field(queryset, **kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, required=False, allow_null=True, **kwargs
    )


class RiskAnswersSerializer(StrictFieldsMixin, serializers.Serializer):
    users_affected = serializers.IntegerField(min_value=0, max_value=10**9, required=False)
    backout_tested = serializers.BooleanField(required=False)


class ChangeWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200, validators=[validate_single_line])
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    justification = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    category = _id_field(Category.objects.filter(is_active=True))
    services = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Service.objects.filter(is_active=True)
    )
    configuration_items = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=ConfigurationItem.objects.filter(is_active=True)
    )
    implementation_group = _id_field(Team.objects.filter(is_active=True))
    risk_answers = RiskAnswersSerializer(required=False)
    implementation_plan = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    backout_plan = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    test_plan = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    planned_start = serializers.DateTimeField(required=False, allow_null=True)
    planned_end = serializers.DateTimeField(required=False, allow_null=True)
    outage_expected = serializers.BooleanField(required=False)
    problem = _id_field(Problem.objects.all())


class ChangeCreateSerializer(ChangeWriteSerializer):
    change_type = serializers.ChoiceField(
        choices=[ChangeType.NORMAL, ChangeType.EMERGENCY], required=False
    )


class ChangeUpdateSerializer(VersionedSerializer, ChangeWriteSerializer):
    """An edit: ``version`` is required; a scope edit after submission returns the change
    to assessment and voids its approvals."""


class InboxSerializer(RecordReadSerializer):
    step = serializers.CharField(source="step.describe", read_only=True)
    change = ChangeSerializer(read_only=True)

    class Meta:
        model = ApprovalTrack
        fields = ("id", "step", "step_opened_at", "change")
        read_only_fields = fields


class TemplateVersionSerializer(RecordReadSerializer):
    services = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    configuration_items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = TemplateVersion
        fields = (
            "id",
            "number",
            "status",
            "risk",
            "implementation_plan",
            "backout_plan",
            "test_plan",
            "services",
            "configuration_items",
            "created_at",
            "decided_at",
        )
        read_only_fields = fields


class TemplateSerializer(RecordReadSerializer):
    versions = TemplateVersionSerializer(many=True, read_only=True)

    class Meta:
        model = StandardChangeTemplate
        fields = ("id", "name", "description", "is_active", "versions")
        read_only_fields = fields
