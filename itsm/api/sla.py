"""The SLA block of a record's API detail: each clock and how its figure was reached."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class IntervalSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(allow_null=True)


class SlaClockSerializer(serializers.Serializer):
    """One clock and how its figure was reached (see ``itsm.sla.records.RecordSla.explain``).

    ``breached``: the clock ran past its due time, or stopped after it; a clock stopped at
    or before its due time is met (``itsm.sla.clock``).
    """

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
    """Both clocks; empty when the record has no SLA policy or target."""

    response = SlaClockSerializer(required=False)
    resolution = SlaClockSerializer(required=False)


@extend_schema_field(SlaSerializer)
class SlaField(serializers.Field):
    """A read-only field with a record's clocks, from its :class:`~itsm.sla.records.RecordSla`.

    For detail serializers: the figures read the record's pauses and policy (a few queries).
    """

    def __init__(self, sla, **kwargs):
        self.sla = sla
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, record):
        return SlaSerializer(self.sla.explain(record)).data
