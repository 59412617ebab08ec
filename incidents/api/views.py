"""The incident API: what is particular to incidents on the record API base.

Scoping, strict input, versions, the PUT and DELETE answers, one endpoint per transition
of ``incidents.workflow``, comments and history come from
:class:`itsm.api.records.RecordViewSet`. Here: the filters and ordering, the joins of
the list, the serializers per reader, create and edit, and the priority override (a
staff correction, not a transition).
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter

from changes.incident_api import CausedByChangeActions
from incidents import services
from incidents.api import serializers as s
from incidents.choices import Channel
from incidents.filtersets import IncidentFilter, ordering_fields_for
from incidents.models import Incident
from incidents.selectors import incident_find_for_user
from itsm.api.filters import StrictFilterBackend
from itsm.api.pagination import KeysetPagination
from itsm.api.records import WRITE_ERRORS, RecordViewSet, one_of

# At most four joins per list query: each join multiplies the plans PostgreSQL weighs
# against the incident table's indexes (on 12,000 rows: 1 ms of planning with four
# joins, 90 ms with six, 300 ms with nine, for 0.5 ms of execution). The rest is
# prefetched: one small query per relation, by primary key.
EMPLOYEE_LIST_JOINED = ("assignment_group", "category", "subcategory", "service")
STAFF_LIST_JOINED = ("reporter", "affected_user", "assignee", "assignment_group")
STAFF_LIST_PREFETCHED = (
    "category",
    "subcategory",
    "service",
    "configuration_item",
    "sla_policy",
    "parent",
    "duplicate_of",
    "resolved_by",
    "closed_by",
    "commander",
    "communications_lead",
)


class StableOrderingFilter(OrderingFilter):
    """The view's ordering allowlist (unknown terms are ignored), then id, so pages are stable."""

    ordering_description = (
        "Comma-separated fields, '-' for descending: created_at, updated_at, priority, "
        "number, and for staff resolution_due_at. Other fields are ignored."
    )

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view) or ()
        return queryset.order_by(*ordering, "-pk")


class IncidentViewSet(CausedByChangeActions, RecordViewSet):
    """Incidents the caller may see. Employees get a narrower field set than staff."""

    model = Incident
    list_serializers = (s.EmployeeIncidentSerializer, s.StaffIncidentSerializer)
    detail_serializers = (s.EmployeeIncidentSerializer, s.StaffIncidentDetailSerializer)
    create_serializers = (s.EmployeeIncidentCreateSerializer, s.StaffIncidentCreateSerializer)
    update_serializers = (s.EmployeeIncidentUpdateSerializer, s.StaffIncidentUpdateSerializer)
    history_hidden_from_requesters = ("assignment_group",)
    filterset_class = IncidentFilter
    filter_backends = [StrictFilterBackend, StableOrderingFilter]
    pagination_class = KeysetPagination
    ordering = ("-created_at",)

    @property
    def ordering_fields(self):
        return ordering_fields_for(getattr(self.request, "user", None))

    def get_queryset(self):
        queryset = super().get_queryset().select_related(None)
        if not self.staff:
            return queryset.select_related(*EMPLOYEE_LIST_JOINED)
        watchers = get_user_model().objects.only("pk")
        return queryset.select_related(*STAFF_LIST_JOINED).prefetch_related(
            *STAFF_LIST_PREFETCHED, Prefetch("watchers", queryset=watchers)
        )

    def find_for_user(self, pk):
        return incident_find_for_user(user=self.request.user, pk=pk)

    def create_record(self, data):
        data.setdefault("channel", Channel.API)
        return services.incident_create(actor=self.request.user, **data)

    def update_record(self, record, changes, version):
        return services.incident_update(
            incident_id=record.pk,
            actor=self.request.user,
            changes=changes,
            expected_version=version,
        )

    @extend_schema(
        request=s.PriorityOverrideSerializer,
        responses={200: one_of("IncidentDetail", detail_serializers), **WRITE_ERRORS},
        description="Set the priority by hand (IT staff; reason required) or clear the override.",
    )
    @action(detail=True, methods=["post"], url_path="override-priority", filter_backends=[])
    def override_priority(self, request, pk=None):
        incident = self.get_object()
        params = self._validated(s.PriorityOverrideSerializer)
        written = services.incident_override_priority(
            incident_id=incident.pk,
            actor=request.user,
            priority=params["priority"],
            reason=params.get("reason", ""),
            expected_version=params.get("version"),
        )
        return self._reloaded(written)
