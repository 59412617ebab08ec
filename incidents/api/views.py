"""The incident API: selectors for every read, services for every write.

Every endpoint on one incident first looks it up through the caller's selector, so an
incident out of scope is a 404 whatever the method, body or transition. Incidents are
never deleted (they are cancelled) and never replaced whole: PUT and DELETE answer 405.
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from incidents import services
from incidents.api import serializers as s
from incidents.api.history import history_entries, history_rows, row_before
from incidents.choices import Channel, EscalationKind
from incidents.filtersets import IncidentFilter, ordering_fields_for
from incidents.selectors import (
    incident_comments_visible_to,
    incident_find_for_user,
    incident_get_for_user,
    incident_list_visible_to,
    sees_all_incidents,
)
from itsm.api.viewsets import ScopedViewSet
from itsm.roles import is_agent

# Joined: every row has these. Prefetched: mostly empty, and each extra join makes
# PostgreSQL's planner slower (past a dozen joins it spent more time planning than running).
STAFF_LIST_RELATED = ("sla_policy",)
STAFF_LIST_PREFETCHED = (
    "parent",
    "duplicate_of",
    "resolved_by",
    "closed_by",
    "commander",
    "communications_lead",
)
ESCALATIONS = {
    EscalationKind.FUNCTIONAL: "escalate",
    EscalationKind.HIERARCHICAL: "escalate_to_manager",
}

LIST_ITEM = PolymorphicProxySerializer(
    component_name="IncidentListItem",
    serializers=[s.EmployeeIncidentSerializer, s.StaffIncidentSerializer],
    resource_type_field_name=None,
)
DETAIL = PolymorphicProxySerializer(
    component_name="IncidentDetail",
    serializers=[s.EmployeeIncidentSerializer, s.StaffIncidentDetailSerializer],
    resource_type_field_name=None,
)
ERROR = OpenApiResponse(s.ApiErrorSerializer)
ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}


def transition_schema(serializer, description: str):
    return extend_schema(
        request=serializer, responses={200: DETAIL, **ERRORS}, description=description
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


class IncidentViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Incidents the caller may see. Employees get a narrower field set than staff."""

    selector = incident_list_visible_to
    filterset_class = IncidentFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    ordering = ("-created_at",)
    lookup_value_regex = "[0-9]+"

    @property
    def ordering_fields(self):
        return ordering_fields_for(getattr(self.request, "user", None))

    @property
    def staff(self) -> bool:
        """Reads: IT staff who may view every incident get the staff shape."""
        return sees_all_incidents(getattr(self.request, "user", None))

    @property
    def agent(self) -> bool:
        """Writes: only agents get the staff write serializers."""
        return is_agent(getattr(self.request, "user", None))

    @property
    def allowed_methods(self):
        # PUT and DELETE have handlers only to answer 404 before 405; they are not allowed.
        return [m for m in super().allowed_methods if m not in ("PUT", "DELETE")]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.staff:
            watchers = get_user_model().objects.only("pk")
            queryset = queryset.select_related(*STAFF_LIST_RELATED).prefetch_related(
                *STAFF_LIST_PREFETCHED, Prefetch("watchers", queryset=watchers)
            )
        return queryset

    def get_object(self):
        incident = incident_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, incident)
        return incident

    def get_serializer_class(self):
        staff = self.staff
        if self.action == "list":
            return s.StaffIncidentSerializer if staff else s.EmployeeIncidentSerializer
        if self.action == "create":
            agent = self.agent
            return s.StaffIncidentCreateSerializer if agent else s.EmployeeIncidentCreateSerializer
        if self.action == "partial_update":
            agent = self.agent
            return s.StaffIncidentUpdateSerializer if agent else s.EmployeeIncidentUpdateSerializer
        return s.StaffIncidentDetailSerializer if staff else s.EmployeeIncidentSerializer

    def _detail(self, incident, code=status.HTTP_200_OK) -> Response:
        serializer_class = (
            s.StaffIncidentDetailSerializer if self.staff else s.EmployeeIncidentSerializer
        )
        return Response(
            serializer_class(incident, context=self.get_serializer_context()).data, code
        )

    def _reloaded(self, written, code=status.HTTP_200_OK) -> Response:
        """The incident as written by a service, read back through the caller's selector.

        A write can take a restricted incident out of the caller's sight (an escalation to
        a group above theirs): the answer is then the service's copy, which shows what they
        just wrote, in their role's shape; their next read is a 404.
        """
        incident = incident_find_for_user(user=self.request.user, pk=written.pk)
        return self._detail(incident or written, code)

    def _validated(self, serializer_class=None, **kwargs) -> dict:
        serializer_class = serializer_class or self.get_serializer_class()
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(responses={200: LIST_ITEM, 400: ERROR})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: DETAIL, 404: ERROR})
    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="IncidentCreate",
            serializers=[s.EmployeeIncidentCreateSerializer, s.StaffIncidentCreateSerializer],
            resource_type_field_name=None,
        ),
        responses={201: DETAIL, 400: ERROR},
        description="Log an incident. Unknown or protected keys are rejected (400), not ignored.",
    )
    def create(self, request):
        data = self._validated()
        data.setdefault("channel", Channel.API)
        incident = services.incident_create(actor=request.user, **data)
        return self._reloaded(incident, status.HTTP_201_CREATED)

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="IncidentUpdate",
            serializers=[s.EmployeeIncidentUpdateSerializer, s.StaffIncidentUpdateSerializer],
            resource_type_field_name=None,
        ),
        responses={200: DETAIL, **ERRORS},
        description="Edit fields. `version` is required; a stale one is a 409 "
        "`stale_version`. Keys you may not write (status, priority, assignee, ...) are "
        "rejected with a 400 naming them, and nothing changes.",
    )
    def partial_update(self, request, pk=None):
        incident = self.get_object()
        changes = self._validated(partial=True)
        version = changes.pop("version")
        written = services.incident_update(
            incident_id=incident.pk, actor=request.user, changes=changes, expected_version=version
        )
        return self._reloaded(written)

    @extend_schema(
        request=None,
        responses={404: ERROR, 405: ERROR},
        description="Not allowed: change an incident with PATCH.",
    )
    def update(self, request, pk=None):
        self.get_object()
        raise MethodNotAllowed(request.method, detail="Change an incident with PATCH.")

    @extend_schema(
        request=None,
        responses={404: ERROR, 405: ERROR},
        description="Not allowed: incidents are cancelled (POST .../cancel/), never deleted.",
    )
    def destroy(self, request, pk=None):
        self.get_object()
        raise MethodNotAllowed(request.method, detail="Incidents are cancelled, not deleted.")

    # --- Transitions: one POST endpoint each, all through incident_transition ------------

    def _transition(self, name: str, serializer_class) -> Response:
        incident = self.get_object()
        params = self._validated(serializer_class)
        version = params.pop("version", None)
        if name == "escalate":
            # One endpoint, two transitions: functional and hierarchical escalation.
            name = ESCALATIONS[params.pop("kind")]
        written = services.incident_transition(
            incident_id=incident.pk,
            name=name,
            actor=self.request.user,
            expected_version=version,
            **params,
        )
        return self._reloaded(written)

    @transition_schema(s.AssignSerializer, "Assign to a group and/or a member of it.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def assign(self, request, pk=None):
        return self._transition("assign", s.AssignSerializer)

    @transition_schema(s.TransitionSerializer, "Start work (needs an assignee).")
    @action(detail=True, methods=["post"], filter_backends=[])
    def start(self, request, pk=None):
        return self._transition("start", s.TransitionSerializer)

    @transition_schema(s.HoldSerializer, "Put on hold, with a hold reason.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def hold(self, request, pk=None):
        return self._transition("hold", s.HoldSerializer)

    @transition_schema(s.TransitionSerializer, "Resume work after a hold.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def resume(self, request, pk=None):
        return self._transition("resume", s.TransitionSerializer)

    @transition_schema(
        s.EscalateSerializer,
        "Escalate: `functional` to the next tier's group, `hierarchical` to the group manager.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def escalate(self, request, pk=None):
        return self._transition("escalate", s.EscalateSerializer)

    @transition_schema(s.ResolveSerializer, "Resolve, with a resolution code and notes.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def resolve(self, request, pk=None):
        return self._transition("resolve", s.ResolveSerializer)

    @transition_schema(s.TransitionSerializer, "The reporter confirms the resolution.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def confirm(self, request, pk=None):
        return self._transition("confirm", s.TransitionSerializer)

    @transition_schema(s.TransitionSerializer, "The reporter rejects the resolution (reason).")
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request, pk=None):
        return self._transition("reject", s.TransitionSerializer)

    @transition_schema(s.TransitionSerializer, "The service desk closes a confirmed incident.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        return self._transition("close", s.TransitionSerializer)

    @transition_schema(s.TransitionSerializer, "The service desk cancels (reason required).")
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request, pk=None):
        return self._transition("cancel", s.TransitionSerializer)

    @transition_schema(s.DeclareMajorSerializer, "Declare a major incident.")
    @action(detail=True, methods=["post"], url_path="declare-major", filter_backends=[])
    def declare_major(self, request, pk=None):
        return self._transition("declare_major", s.DeclareMajorSerializer)

    @transition_schema(s.TransitionSerializer, "Stand down a major incident.")
    @action(detail=True, methods=["post"], url_path="stand-down-major", filter_backends=[])
    def stand_down_major(self, request, pk=None):
        return self._transition("stand_down_major", s.TransitionSerializer)

    @transition_schema(
        s.PriorityOverrideSerializer,
        "Set the priority by hand (IT staff; reason required) or clear the override.",
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

    # --- Comments and history ------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        responses={200: s.CommentSerializer(many=True), 404: ERROR},
        description="Comments you may read (employees: public ones only), oldest first.",
    )
    @extend_schema(
        methods=["POST"],
        request=s.CommentCreateSerializer,
        responses={201: s.CommentSerializer, **ERRORS},
        description="Add a comment; internal work notes are for IT staff only (403).",
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def comments(self, request, pk=None):
        incident = self.get_object()
        if request.method == "POST":
            data = self._validated(s.CommentCreateSerializer)
            comment = services.incident_comment_add(
                incident_id=incident.pk, actor=request.user, **data
            )
            return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(
            incident_comments_visible_to(user=request.user, incident=incident)
        )
        return self.get_paginated_response(s.CommentSerializer(page, many=True).data)

    @extend_schema(
        responses={200: s.HistoryEntrySerializer(many=True), 404: ERROR},
        description="The audit trail, oldest first: each row with the fields it changed. "
        "Employees see changes to the fields they can read only.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        incident = self.get_object()
        rows = history_rows(incident)
        page = self.paginate_queryset(rows)
        previous = None
        if page and self.paginator.page.number > 1:
            previous = row_before(rows, page[0])
        entries = history_entries(page, previous, staff=self.staff)
        return self.get_paginated_response(s.HistoryEntrySerializer(entries, many=True).data)
