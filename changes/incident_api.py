"""What changes add to the incident API: ``POST /api/v1/incidents/{id}/caused-by-change/``
marks the incident as caused by a change, or clears it. The incident viewset takes the
mixin; the write goes through ``changes.services.incident_set_caused_by`` (as the admin
button does), which refuses anyone but incident staff who see changes."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from changes import services
from incidents.api.serializers import EmployeeIncidentSerializer, StaffIncidentDetailSerializer
from itsm.api.inputs import MAX_ID, StrictFieldsMixin
from itsm.api.records import WRITE_ERRORS, one_of

DETAIL = one_of("IncidentDetail", (EmployeeIncidentSerializer, StaffIncidentDetailSerializer))


class CausedByChangeSerializer(StrictFieldsMixin, serializers.Serializer):
    change = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        allow_null=True,
        help_text="The id of a change that is implementing, in review or closed; null clears.",
    )


class CausedByChangeActions:
    """The action, for a :class:`itsm.api.records.RecordViewSet` of incidents."""

    @extend_schema(
        request=CausedByChangeSerializer,
        responses={200: DETAIL, **WRITE_ERRORS},
        description="Mark the incident as caused by a change, or clear it (IT staff).",
    )
    @action(detail=True, methods=["post"], url_path="caused-by-change", filter_backends=[])
    def caused_by_change(self, request, pk=None):
        incident = self.get_object()
        params = self._validated(CausedByChangeSerializer)
        written = services.incident_set_caused_by(
            incident_id=incident.pk, change_id=params["change"], actor=request.user
        )
        return self._reloaded(written)
