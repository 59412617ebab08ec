"""Incident API serializers: explicit read and write field lists per role.

Write serializers check the shape of the input only; the views pass what they validated
to ``incidents.services``. Keys a serializer does not accept are rejected with a 400 that
names them, never silently dropped, so a client learns that ``status`` or ``priority``
cannot be written here.
"""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from incidents.choices import Channel
from incidents.models import Incident
from incidents.selectors import incident_list_visible_to
from incidents.sla import INCIDENT_SLA
from itsm.api.inputs import MAX_ID, RecordReadSerializer, StrictFieldsMixin, VersionedSerializer
from itsm.api.serializers import NamedRefSerializer
from itsm.api.sla import SlaField
from itsm.choices import Level, Priority, RecordKind
from itsm.markup import MAX_LENGTH
from itsm.models import Category, ConfigurationItem, Service
from itsm.validators import validate_single_line
from itsm.workflow import REASON_MAX_LENGTH

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
    "problem",
    "caused_by_change",
    "sla_policy",
    "responded_at",
    "response_due_at",
    "resolution_due_at",
)


# --- Read ---------------------------------------------------------------------------------


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(source="get_full_name", read_only=True)


class IncidentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)


class EmployeeIncidentSerializer(RecordReadSerializer):
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


class StaffIncidentDetailSerializer(StaffIncidentSerializer):
    """The staff list fields plus the SLA explanation (detail only: it costs queries)."""

    sla = SlaField(INCIDENT_SLA)

    class Meta(StaffIncidentSerializer.Meta):
        fields = (*STAFF_READ_FIELDS, "sla")
        read_only_fields = fields


# --- Write --------------------------------------------------------------------------------


def _request_user(serializer):
    return getattr(serializer.context.get("request"), "user", None)


def _id_field(queryset, **kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, required=False, allow_null=True, **kwargs
    )


class IncidentFieldsSerializer(StrictFieldsMixin, serializers.Serializer):
    """The fields employees and staff both write; related rows must be active and visible."""

    title = serializers.CharField(max_length=200, validators=[validate_single_line])
    description = serializers.CharField(required=False, allow_blank=True, max_length=MAX_LENGTH)
    # With the groups they route to, which logging reads.
    category = _id_field(
        Category.objects.filter(
            kind=RecordKind.INCIDENT, is_active=True, parent__isnull=True
        ).select_related("default_group")
    )
    subcategory = _id_field(
        Category.objects.filter(
            kind=RecordKind.INCIDENT, is_active=True, parent__isnull=False
        ).select_related("default_group")
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


class EmployeeIncidentUpdateSerializer(StrictFieldsMixin, VersionedSerializer):
    title = serializers.CharField(max_length=200, required=False, validators=[validate_single_line])
    description = serializers.CharField(required=False, allow_blank=True, max_length=MAX_LENGTH)


class StaffIncidentUpdateSerializer(VersionedSerializer, StaffIncidentCreateSerializer):
    """An edit; ``problem`` links the incident to a problem (null unlinks it), with the
    history row on the incident (staff see every problem)."""

    problem = _id_field(Incident._meta.get_field("problem").related_model.objects.all())


# --- The priority override (not a transition: a staff correction) ---------------------


class PriorityOverrideSerializer(StrictFieldsMixin, serializers.Serializer):
    priority = serializers.ChoiceField(
        choices=Priority.choices,
        allow_null=True,
        help_text="The priority to set by hand, or null to go back to the matrix.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text="Recorded in the history; required to set a priority.",
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="The version you read; if given and stale, the answer is a 409.",
    )
