"""Serializer pieces every record API uses: strict input, versions, errors, comments.

Input is strict in two ways. Keys a serializer does not accept are a 400 naming them,
never silently dropped, so a client learns that ``status`` cannot be written here. And a
JSON value must have the type the schema gives it: ``"category": 1.5`` or
``"description": 0`` is a 400, not quietly turned into ``1`` or ``"0"``.
"""

from collections.abc import Mapping

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers
from rest_framework.relations import PrimaryKeyRelatedField

from itsm.errors import Refused
from itsm.markup import MAX_LENGTH
from itsm.records import CommentBase
from itsm.workflow import Input, Transition

MAX_ID = 2**63 - 1


class ApiErrorSerializer(serializers.Serializer):
    """The JSON body of every error (see ``itsm.api.errors``)."""

    code = serializers.CharField(help_text="Stable snake_case code, e.g. stale_version.")
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


# --- Strict input -------------------------------------------------------------------------


def _choice_type(field: serializers.ChoiceField) -> type:
    keys = list(field.choices)
    return int if keys and all(isinstance(k, int) for k in keys) else str


def wrong_type(field: serializers.Field, value) -> str | None:
    """Why ``value`` (as parsed from JSON) is not of the type ``field`` documents, or None."""
    if value is None or field.read_only:
        return None
    if isinstance(field, serializers.ChoiceField):
        wanted = _choice_type(field)
    elif isinstance(field, serializers.CharField | serializers.DateTimeField):
        wanted = str
    elif isinstance(field, serializers.IntegerField | PrimaryKeyRelatedField):
        wanted = int
    elif isinstance(field, serializers.BooleanField):
        wanted = bool
    else:
        return None
    if wanted is int and (isinstance(value, bool) or not isinstance(value, int)):
        return "A whole number is required."
    if not isinstance(value, wanted):
        return "Not a valid string." if wanted is str else "Must be true or false."
    return None


class StrictFieldsMixin:
    """Reject (400, naming them) unknown keys and values of the wrong JSON type."""

    def to_internal_value(self, data):
        problems = {}
        if isinstance(data, Mapping):
            writable = {name: field for name, field in self.fields.items() if not field.read_only}
            for name, value in data.items():
                field = writable.get(name)
                why = wrong_type(field, value) if field else "This field cannot be set here."
                if why:
                    problems[name] = [why]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if problems and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **problems}) from exc
            raise
        if problems:
            raise serializers.ValidationError(problems)
        return value


class VersionedSerializer(serializers.Serializer):
    """An edit names the version it was made from; without one it could silently
    overwrite someone else's (SECURITY.md T19), so it is required even with PATCH."""

    version = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The version you read; a stale one is a 409."
    )

    def validate(self, attrs):
        # partial=True skips required fields, and version must not be skipped.
        if "version" not in attrs:
            raise serializers.ValidationError({"version": ["This field is required."]})
        return super().validate(attrs)


class VersionRequired(OpenApiSerializerExtension):
    """The schema says what :class:`VersionedSerializer` enforces: a PATCH body without
    ``version`` is refused (drf-spectacular makes every field of a PATCH body optional)."""

    target_class = VersionedSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        if direction == "request":
            schema["required"] = sorted({*schema.get("required", []), "version"})
        return schema


class RecordReadSerializer(serializers.ModelSerializer):
    """A read serializer whose blank choice fields say so in the schema.

    DRF drops ``allow_blank`` from read-only fields, so a cleared choice (``""``, e.g.
    the resolution code of a reopened record) fell outside the documented enum.
    """

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            source = field.source or name
            if not isinstance(field, serializers.ChoiceField) or "." in source:
                continue
            try:
                model_field = self.Meta.model._meta.get_field(source)
            except FieldDoesNotExist:
                continue
            if model_field.blank:
                field.allow_blank = True
        return fields


# --- Transitions --------------------------------------------------------------------------


class TransitionInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """The body of a transition endpoint: its declared inputs, ``reason`` and ``version``.

    ``transition`` is set on each class :func:`transition_serializer` builds.
    """

    transition: Transition

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="The version you read; if given and stale, the answer is a 409.",
    )

    def to_internal_value(self, data):
        transition = self.transition
        if transition.needs_reason and isinstance(data, Mapping) and "reason" not in data:
            # The table's own refusal, so every interface names the same rule.
            raise Refused("reason_required", field="reason", action=transition.label.lower())
        return super().to_internal_value(data)


def input_field(spec: Input) -> serializers.Field:
    common = {"required": spec.required, "help_text": spec.help_text or spec.label}
    if spec.kind in ("text", "longtext"):
        return serializers.CharField(
            max_length=spec.max_length, allow_blank=not spec.required, **common
        )
    if spec.kind == "choice":
        # Every value, the system's own too: one enum per choice set in the schema.
        return serializers.ChoiceField(choices=spec.choices.choices, **common)
    # user and team: an id, resolved and checked by the transition's apply function.
    return serializers.IntegerField(
        min_value=1, max_value=MAX_ID, allow_null=not spec.required, **common
    )


def transition_serializer(transition: Transition, prefix: str = "") -> type:
    """The request serializer of ``transition``, built from its declared inputs."""
    fields = {spec.name: input_field(spec) for spec in transition.all_inputs()}
    name = "".join(part.title() for part in transition.name.split("_"))
    return type(
        f"{prefix}{name}Input",
        (TransitionInputSerializer,),
        {**fields, "transition": transition, "__doc__": f"{transition.label}."},
    )


# --- Comments -----------------------------------------------------------------------------


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    author = serializers.CharField(source="author.get_username", read_only=True)
    body = serializers.CharField(read_only=True)
    visibility = serializers.ChoiceField(choices=CommentBase.Visibility.choices, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class CommentCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    body = serializers.CharField(max_length=MAX_LENGTH)
    # No default here: the record type's service has it (public where requesters read the
    # record, an internal work note on a record only staff read).
    visibility = serializers.ChoiceField(
        choices=CommentBase.Visibility.choices,
        required=False,
        help_text="internal work notes are for IT staff only. Default: public where "
        "requesters read the record, internal where only IT staff do.",
    )
