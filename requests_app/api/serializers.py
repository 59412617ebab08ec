"""Service request API serializers: explicit field lists; writes check shape only."""

from django.contrib.auth import get_user_model
from django.templatetags.static import static
from rest_framework import serializers

from itsm.api.inputs import RecordReadSerializer, StrictFieldsMixin, VersionedSerializer
from itsm.api.serializers import NamedRefSerializer
from itsm.choices import Priority
from requests_app.models import CatalogItem, FulfilmentTask, Question, ServiceRequest
from requests_app.services.records import MAX_QUANTITY


class ConditionSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True, help_text="The question it depends on.")
    value = serializers.CharField(read_only=True, help_text="The answer that shows it.")


class QuestionSerializer(serializers.ModelSerializer):
    """One question of an item's form, as a client renders it."""

    choices = serializers.ListField(child=serializers.CharField(), read_only=True)
    minimum = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )
    maximum = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )
    condition = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = (
            "key",
            "label",
            "help_text",
            "kind",
            "required",
            "choices",
            "minimum",
            "maximum",
            "pattern",
            "order",
            "condition",
        )
        read_only_fields = fields

    def get_condition(self, question) -> ConditionSerializer(allow_null=True):
        other = question.condition_question
        if other is None:
            return None
        return {"key": other.key, "value": question.condition_value}


class CatalogItemSerializer(serializers.ModelSerializer):
    category = NamedRefSerializer(read_only=True)
    icon_url = serializers.SerializerMethodField()
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = CatalogItem
        fields = (
            "id",
            "name",
            "category",
            "short_description",
            "description",
            "icon",
            "icon_url",
            "delivery_days",
            "approval",
            "questions",
        )
        read_only_fields = fields

    def get_icon_url(self, item) -> str:
        return static(f"requests_app/icons/{item.icon}.svg")


class ServiceRequestSerializer(RecordReadSerializer):
    item = NamedRefSerializer(read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    requested_for = serializers.CharField(source="requested_for.username", read_only=True)
    answers = serializers.DictField(read_only=True, help_text="Answers by question key.")

    class Meta:
        model = ServiceRequest
        fields = (
            "id",
            "number",
            "title",
            "item",
            "requested_by",
            "requested_for",
            "quantity",
            "answers",
            "status",
            "outcome_reason",
            "priority",
            "submitted_at",
            "approved_at",
            "responded_at",
            "fulfilled_at",
            "confirmed_at",
            "closed_at",
            "response_due_at",
            "resolution_due_at",
            "created_at",
            "updated_at",
            "version",
        )
        read_only_fields = fields


class ServiceRequestCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=CatalogItem.objects.filter(is_active=True))
    answers = serializers.DictField(
        required=False,
        default=dict,
        help_text="Answers by question key (see the item's questions).",
    )
    requested_for = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Defaults to you; a line manager may name a report, the service desk anyone.",
    )
    quantity = serializers.IntegerField(
        min_value=1, max_value=MAX_QUANTITY, required=False, default=1
    )


class ServiceRequestUpdateSerializer(
    VersionedSerializer, StrictFieldsMixin, serializers.Serializer
):
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)


class TaskSerializer(RecordReadSerializer):
    request = serializers.CharField(source="request.number", read_only=True)
    request_id = serializers.IntegerField(read_only=True)
    group = NamedRefSerializer(read_only=True)
    assignee = serializers.CharField(source="assignee.username", read_only=True, allow_null=True)

    class Meta:
        model = FulfilmentTask
        fields = (
            "id",
            "request",
            "request_id",
            "title",
            "group",
            "assignee",
            "order",
            "status",
            "started_at",
            "finished_at",
            "created_at",
            "updated_at",
            "version",
        )
        read_only_fields = fields
