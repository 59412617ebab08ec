"""Incident API serializers: explicit read and write field lists per role.

Write serializers check the shape of the input only; the views pass what they validated
to ``incidents.services``. Keys a serializer does not accept are rejected with a 400 that
names them, never silently dropped, so a client learns that ``status`` or ``priority``
cannot be written here.
"""

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents import sla
from incidents.choices import Channel, EscalationKind, HoldReason, ResolutionCode
from incidents.models import Incident, IncidentComment
from incidents.selectors import incident_list_visible_to
from itsm.choices import Level, Priority, RecordKind
from itsm.models import Category, ConfigurationItem, Service

MAX_ID = 2**63 - 1

EMPLOYEE_READ_FIELDS = (
    "id",
    "number",
    "title",
    "description",
    "status",
    "priority",
    "category",
    "subcategory",
    "service",
    "urgency",
    "channel",
    "reported_at",
    "created_at",
    "updated_at",
    "resolution_code",
    "resolution_notes",
    "resolved_at",
    "confirmed_at",
    "closed_at",
    "version",
    "assignment_group",
)
STAFF_READ_FIELDS = EMPLOYEE_READ_FIELDS + (
    "reporter",
    "affected_user",
    "detected_at",
    "configuration_item",
    "impact",
    "priority_overridden",
    "priority_override_reason",
    "hold_reason",
    "assignee",
    "reassignment_count",
    "tier",
    "watchers",
    "resolved_by",
    "closed_by",
    "reopen_count",
    "is_major",
    "commander",
    "communications_lead",
    "parent",
    "duplicate_of",
    "sla_policy",
    "responded_at",
    "response_due_at",
    "resolution_due_at",
)


class ApiErrorSerializer(serializers.Serializer):
    """The JSON body of every error (see ``itsm.api.errors``)."""

    code = serializers.CharField(help_text="Stable snake_case code, e.g. stale_version.")
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


# --- Read ---------------------------------------------------------------------------------


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(source="get_full_name", read_only=True)


class IncidentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)


class EmployeeIncidentSerializer(serializers.ModelSerializer):
    """What the reporter and the affected user may read: no internals, no staff names."""

    category = NamedRefSerializer(read_only=True, allow_null=True)
    subcategory = NamedRefSerializer(read_only=True, allow_null=True)
    service = NamedRefSerializer(read_only=True, allow_null=True)
    assignment_group = serializers.CharField(
        source="assignment_group.name",
        read_only=True,
        allow_null=True,
        help_text="The name of the group working on it.",
    )

    class Meta:
        model = Incident
        fields = EMPLOYEE_READ_FIELDS
        read_only_fields = EMPLOYEE_READ_FIELDS


class StaffIncidentSerializer(EmployeeIncidentSerializer):
    """What IT staff read in lists."""

    assignment_group = NamedRefSerializer(read_only=True, allow_null=True)
    configuration_item = NamedRefSerializer(read_only=True, allow_null=True)
    sla_policy = NamedRefSerializer(read_only=True, allow_null=True)
    reporter = UserRefSerializer(read_only=True)
    affected_user = UserRefSerializer(read_only=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    resolved_by = UserRefSerializer(read_only=True, allow_null=True)
    closed_by = UserRefSerializer(read_only=True, allow_null=True)
    commander = UserRefSerializer(read_only=True, allow_null=True)
    communications_lead = UserRefSerializer(read_only=True, allow_null=True)
    parent = IncidentRefSerializer(read_only=True, allow_null=True)
    duplicate_of = IncidentRefSerializer(read_only=True, allow_null=True)
    watchers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(EmployeeIncidentSerializer.Meta):
        fields = STAFF_READ_FIELDS
        read_only_fields = STAFF_READ_FIELDS


class IntervalSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(allow_null=True)


class SlaClockSerializer(serializers.Serializer):
    """One clock and how its figure was reached (see ``incidents.sla.explain``)."""

    target_minutes = serializers.IntegerField()
    elapsed_minutes = serializers.IntegerField()
    paused_minutes = serializers.IntegerField()
    percent = serializers.FloatField()
    breached = serializers.BooleanField()
    is_paused = serializers.BooleanField()
    stopped_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    counted = IntervalSerializer(many=True)
    paused = IntervalSerializer(many=True)


class SlaSerializer(serializers.Serializer):
    """Both clocks; empty when the incident has no SLA policy or target."""

    response = SlaClockSerializer(required=False)
    resolution = SlaClockSerializer(required=False)


class StaffIncidentDetailSerializer(StaffIncidentSerializer):
    """The staff list fields plus the SLA explanation (detail only: it costs queries)."""

    sla = serializers.SerializerMethodField()

    class Meta(StaffIncidentSerializer.Meta):
        fields = (*STAFF_READ_FIELDS, "sla")
        read_only_fields = fields

    @extend_schema_field(SlaSerializer)
    def get_sla(self, incident):
        return SlaSerializer(sla.explain(incident)).data


# --- Write --------------------------------------------------------------------------------


class StrictFieldsMixin:
    """Reject (400, naming them) keys the serializer does not accept instead of ignoring them."""

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = {
                name: ["This field cannot be set here."] for name in data if name not in writable
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


def _request_user(serializer):
    return getattr(serializer.context.get("request"), "user", None)


def _id_field(queryset, **kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, required=False, allow_null=True, **kwargs
    )


class IncidentFieldsSerializer(StrictFieldsMixin, serializers.Serializer):
    """The fields employees and staff both write; related rows must be active and visible."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    category = _id_field(
        Category.objects.filter(kind=RecordKind.INCIDENT, is_active=True, parent__isnull=True)
    )
    subcategory = _id_field(
        Category.objects.filter(kind=RecordKind.INCIDENT, is_active=True, parent__isnull=False)
    )
    service = _id_field(Service.objects.filter(is_active=True))
    configuration_item = _id_field(ConfigurationItem.objects.filter(is_active=True))
    urgency = serializers.ChoiceField(choices=Level.choices, required=False)
    affected_user = _id_field(get_user_model().objects.filter(is_active=True))
    parent = _id_field(Incident.objects.none())
    duplicate_of = _id_field(Incident.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _request_user(self)
        if user is not None:
            visible = incident_list_visible_to(user=user)
            self.fields["parent"].queryset = visible
            self.fields["duplicate_of"].queryset = visible


class EmployeeIncidentCreateSerializer(IncidentFieldsSerializer):
    """An employee reports for themselves and cannot link incidents (SECURITY.md T06).

    The fields match the portal's report form: no configuration item, which employees
    cannot read either (it is a staff field), so sending one is a 400 naming it.
    """

    configuration_item = None
    affected_user = _id_field(
        get_user_model().objects.none(),
        error_messages={"does_not_exist": "You can only report incidents for yourself."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _request_user(self)
        if user is not None:
            self.fields["affected_user"].queryset = get_user_model().objects.filter(pk=user.pk)

    def validate_parent(self, value):
        if value is not None:
            raise serializers.ValidationError("Only IT staff can link incidents.")
        return value

    def validate_duplicate_of(self, value):
        if value is not None:
            raise serializers.ValidationError("Only IT staff can mark duplicates.")
        return value


class StaffIncidentCreateSerializer(IncidentFieldsSerializer):
    """The service's STAFF_EDITABLE set."""

    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    impact = serializers.ChoiceField(choices=Level.choices, required=False)
    detected_at = serializers.DateTimeField(required=False, allow_null=True)


class VersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The version you read; a stale one is a 409."
    )

    def validate(self, attrs):
        # partial=True skips required fields, but an edit without a version could
        # silently overwrite someone else's (SECURITY.md T19).
        if "version" not in attrs:
            raise serializers.ValidationError({"version": ["This field is required."]})
        return super().validate(attrs)


class EmployeeIncidentUpdateSerializer(StrictFieldsMixin, VersionedSerializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class StaffIncidentUpdateSerializer(VersionedSerializer, StaffIncidentCreateSerializer):
    pass


# --- Transitions --------------------------------------------------------------------------


class TransitionSerializer(StrictFieldsMixin, serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="The version you read; if given and stale, the answer is a 409.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Recorded in the history; required to reject and to cancel.",
    )


class AssignSerializer(TransitionSerializer):
    group = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    assignee = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )


class PriorityOverrideSerializer(TransitionSerializer):
    priority = serializers.ChoiceField(
        choices=Priority.choices,
        allow_null=True,
        help_text="The priority to set by hand, or null to go back to the matrix.",
    )


class HoldSerializer(TransitionSerializer):
    hold_reason = serializers.ChoiceField(choices=HoldReason.choices, required=False)


class EscalateSerializer(TransitionSerializer):
    kind = serializers.ChoiceField(
        choices=EscalationKind.choices,
        help_text="functional: to the next tier's group; hierarchical: to the group manager.",
    )


class ResolveSerializer(TransitionSerializer):
    resolution_code = serializers.ChoiceField(choices=ResolutionCode.choices, required=False)
    resolution_notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class DeclareMajorSerializer(TransitionSerializer):
    commander = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="Defaults to you.",
    )
    communications_lead = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )


# --- Comments and history -----------------------------------------------------------------


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_username", read_only=True)

    class Meta:
        model = IncidentComment
        fields = ("id", "author", "body", "visibility", "created_at")
        read_only_fields = fields


class CommentCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    visibility = serializers.ChoiceField(
        choices=IncidentComment.Visibility.choices,
        default=IncidentComment.Visibility.PUBLIC,
        help_text="internal work notes are for IT staff only.",
    )


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    history_date = serializers.DateTimeField()
    history_user = serializers.CharField(allow_null=True)
    history_type = serializers.ChoiceField(
        choices=[("+", "created"), ("~", "changed"), ("-", "deleted")]
    )
    change_reason = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    changes = FieldChangeSerializer(many=True)
