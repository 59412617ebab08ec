"""The approvals of any record, as the API shows them: each track with its decisions."""

from rest_framework import serializers

from itsm.api.inputs import RecordReadSerializer
from itsm.models import Approval, ApprovalTrack


class ApprovalSerializer(RecordReadSerializer):
    approver = serializers.CharField(source="approver.username", read_only=True)
    step = serializers.CharField(source="step.describe", read_only=True)

    class Meta:
        model = Approval
        fields = (
            "id",
            "step",
            "approver",
            "decision",
            "comment",
            "record_version",
            "decided_at",
            "voided_at",
        )
        read_only_fields = fields


class TrackSerializer(RecordReadSerializer):
    policy = serializers.CharField(source="policy.name", read_only=True)
    step = serializers.CharField(source="step.describe", read_only=True, allow_null=True)
    approvals = ApprovalSerializer(many=True, read_only=True)

    class Meta:
        model = ApprovalTrack
        fields = (
            "id",
            "policy",
            "state",
            "step",
            "started_at",
            "ended_at",
            "ended_reason",
            "approvals",
        )
        read_only_fields = fields
