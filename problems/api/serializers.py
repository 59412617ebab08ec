"""Problem API serializers: explicit field lists; writes check shape only.

Transition bodies, comments and history come from the record API base
(``itsm.api.inputs``, ``itsm.api.history``); here are what only problems have: the
record's fields, the known-error view employees read, linking incidents and the report
of what resolving did to them.
"""

from rest_framework import serializers

from itsm.api.inputs import MAX_ID, RecordReadSerializer, StrictFieldsMixin, VersionedSerializer
from itsm.choices import Level, RecordKind
from itsm.markup import MAX_LENGTH
from itsm.models import Category, ConfigurationItem, Service, Team
from itsm.validators import validate_single_line
from problems.choices import Origin, RootCauseCategory
from problems.models import Problem

READ_FIELDS = (
    "id",
    "number",
    "title",
    "description",
    "status",
    "origin",
    "priority",
    "impact",
    "urgency",
    "category",
    "service",
    "configuration_items",
    "assignment_group",
    "assignee",
    "reported_by",
    "reported_at",
    "root_cause",
    "root_cause_category",
    "contributing_factors",
    "five_whys",
    "workaround",
    "workaround_published",
    "is_known_error",
    "known_error_at",
    "fix_description",
    "resolution_code",
    "resolved_at",
    "closed_at",
    "reopen_count",
    "created_at",
    "updated_at",
    "version",
)
LINKED_LIMIT = 500
SUGGEST_TITLE_LENGTH = 200


class ProblemNamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProblemSerializer(RecordReadSerializer):
    """What problem staff read (nobody else reads problems)."""

    category = ProblemNamedRefSerializer(read_only=True, allow_null=True)
    service = ProblemNamedRefSerializer(read_only=True, allow_null=True)
    assignment_group = ProblemNamedRefSerializer(read_only=True, allow_null=True)
    assignee = serializers.CharField(source="assignee.username", read_only=True, allow_null=True)
    reported_by = serializers.CharField(source="reported_by.username", read_only=True)
    configuration_items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Problem
        fields = READ_FIELDS
        read_only_fields = READ_FIELDS


class SkippedIncidentSerializer(serializers.Serializer):
    number = serializers.CharField(read_only=True)
    detail = serializers.CharField(read_only=True, help_text="Why it was left alone.")

    def to_representation(self, instance):
        number, why = instance
        return {"number": number, "detail": why}


class LinkedReportSerializer(serializers.Serializer):
    resolved = serializers.ListField(child=serializers.CharField(), read_only=True)
    resumed = serializers.ListField(child=serializers.CharField(), read_only=True)
    skipped = SkippedIncidentSerializer(many=True, read_only=True)


class ProblemResolvedSerializer(ProblemSerializer):
    """The answer to ``resolve``: the problem and what happened to its linked incidents."""

    linked_incidents_report = LinkedReportSerializer(source="linked_report", read_only=True)

    class Meta(ProblemSerializer.Meta):
        fields = (*READ_FIELDS, "linked_incidents_report")
        read_only_fields = fields


class KnownErrorSerializer(serializers.ModelSerializer):
    """What every signed-in user reads of a published known error."""

    service = ProblemNamedRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Problem
        fields = ("id", "number", "title", "workaround", "service", "known_error_at", "status")
        read_only_fields = fields


class SuggestQuerySerializer(serializers.Serializer):
    """The query of ``known-errors/suggest/``: each parameter at most once, ``service`` an id."""

    title = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"What the employee typed (the first {SUGGEST_TITLE_LENGTH} characters count).",
    )
    service = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="The service they chose."
    )

    def to_internal_value(self, data):
        repeated = {name: ["Give it once."] for name in self.fields if len(data.getlist(name)) > 1}
        if repeated:
            raise serializers.ValidationError(repeated)
        return super().to_internal_value(data)


def _id_field(queryset, **kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, required=False, allow_null=True, **kwargs
    )


def _incident_ids(**kwargs):
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=LINKED_LIMIT,
        **kwargs,
    )


class ProblemWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200, validators=[validate_single_line])
    description = serializers.CharField(required=False, allow_blank=True, max_length=MAX_LENGTH)
    origin = serializers.ChoiceField(choices=Origin.choices, required=False)
    category = _id_field(
        Category.objects.filter(kind=RecordKind.PROBLEM, is_active=True, parent__isnull=True)
    )
    service = _id_field(Service.objects.filter(is_active=True))
    configuration_items = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=ConfigurationItem.objects.filter(is_active=True)
    )
    impact = serializers.ChoiceField(choices=Level.choices, required=False)
    urgency = serializers.ChoiceField(choices=Level.choices, required=False)
    assignment_group = _id_field(Team.objects.filter(is_active=True))


class ProblemCreateSerializer(ProblemWriteSerializer):
    incident_ids = _incident_ids(required=False, help_text="Incidents to link to the new problem.")


class ProblemUpdateSerializer(VersionedSerializer, ProblemWriteSerializer):
    root_cause = serializers.CharField(required=False, allow_blank=True, max_length=MAX_LENGTH)
    root_cause_category = serializers.ChoiceField(
        choices=RootCauseCategory.choices, required=False, allow_blank=True
    )
    contributing_factors = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_LENGTH
    )
    five_whys = serializers.CharField(required=False, allow_blank=True, max_length=MAX_LENGTH)
    workaround = serializers.CharField(required=False, allow_blank=True, max_length=MAX_LENGTH)


class LinkIncidentsSerializer(StrictFieldsMixin, serializers.Serializer):
    incident_ids = _incident_ids(min_length=1)


class UnlinkIncidentSerializer(StrictFieldsMixin, serializers.Serializer):
    incident_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class LinkedIncidentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    reported_at = serializers.DateTimeField()
