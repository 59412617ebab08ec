"""Problem API serializers: explicit field lists; writes check shape only.

The transition bodies are built from the table's declared inputs
(:func:`transition_serializer`), so the API accepts what the admin accepts. Unknown keys
are a 400 naming them (the incident API's strict mixin), never silently dropped.
"""

import functools

from rest_framework import serializers

from itsm.api.inputs import StrictFieldsMixin
from itsm.choices import Level, RecordKind
from itsm.models import Category, ConfigurationItem, Service, Team
from itsm.validators import validate_single_line
from itsm.workflow import Transition
from problems.choices import Origin, RootCauseCategory
from problems.models import Problem, ProblemComment

MAX_ID = 2**63 - 1

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


class ProblemNamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProblemSerializer(serializers.ModelSerializer):
    """What problem staff read."""

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


class KnownErrorSerializer(serializers.ModelSerializer):
    """What every signed-in user reads of a published known error."""

    service = ProblemNamedRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Problem
        fields = ("id", "number", "title", "workaround", "service", "known_error_at", "status")
        read_only_fields = fields


def _id_field(queryset, **kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, required=False, allow_null=True, **kwargs
    )


class ProblemWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200, validators=[validate_single_line])
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
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
    incident_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=500,
        help_text="Incidents to link to the new problem.",
    )


class ProblemUpdateSerializer(ProblemWriteSerializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    root_cause = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    root_cause_category = serializers.ChoiceField(
        choices=RootCauseCategory.choices, required=False, allow_blank=True
    )
    contributing_factors = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    five_whys = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    workaround = serializers.CharField(required=False, allow_blank=True, max_length=20000)

    def validate(self, attrs):
        # partial=True skips required fields, but an edit without a version could
        # silently overwrite someone else's.
        if "version" not in attrs:
            raise serializers.ValidationError({"version": ["This field is required."]})
        return super().validate(attrs)


class LinkIncidentsSerializer(StrictFieldsMixin, serializers.Serializer):
    incident_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=500,
    )


class UnlinkIncidentSerializer(StrictFieldsMixin, serializers.Serializer):
    incident_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


def _input_field(spec) -> serializers.Field:
    if spec.kind in ("text", "longtext"):
        return serializers.CharField(
            required=False, allow_blank=True, max_length=spec.max_length, help_text=spec.help_text
        )
    if spec.kind == "choice":
        return serializers.ChoiceField(
            choices=spec.offered_choices(),
            required=False,
            allow_blank=True,
            help_text=spec.help_text,
        )
    return serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text=spec.help_text
    )


@functools.cache
def transition_serializer(transition: Transition) -> type[serializers.Serializer]:
    """The body of ``POST .../<slug>/``: the transition's inputs, its reason and the
    version read. Required inputs are checked by the transition's guard, so a missing one
    is refused with the table's own code."""
    fields = {spec.name: _input_field(spec) for spec in transition.all_inputs()}
    fields["version"] = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="The version you read; if given and stale, the answer is a 409.",
    )
    name = "".join(part.title() for part in transition.name.split("_")) + "ProblemSerializer"
    return type(name, (StrictFieldsMixin, serializers.Serializer), fields)


class ProblemCommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_username", read_only=True)

    class Meta:
        model = ProblemComment
        fields = ("id", "author", "body", "visibility", "created_at")
        read_only_fields = fields


class ProblemCommentCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    visibility = serializers.ChoiceField(
        choices=ProblemComment.Visibility.choices, default=ProblemComment.Visibility.INTERNAL
    )


class ProblemHistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    history_date = serializers.DateTimeField()
    history_user = serializers.CharField(source="history_user.username", allow_null=True)
    history_type = serializers.CharField()
    history_change_reason = serializers.CharField(allow_null=True)
    history_transition = serializers.CharField()
    status = serializers.CharField()


class LinkedIncidentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    reported_at = serializers.DateTimeField()
