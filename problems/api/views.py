"""The problem API and the known-error database API: what is particular to problems on
the record API base.

Scoping (problems are staff records: everyone else gets a 404 on every problem
endpoint), strict input, versions, the PUT and DELETE answers, one endpoint per
transition of ``problems.workflow``, comments and history come from
:class:`itsm.api.records.RecordViewSet`. Here: the filters, the serializers, create and
edit, the resolve report, linking and unlinking incidents, and the read-only known-error
database with its ``suggest/`` endpoint.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from itsm.api.filters import StrictFilterBackend
from itsm.api.pagination import CappedPageNumberPagination, KeysetPagination
from itsm.api.records import INVALID, NOT_FOUND, WRITE_ERRORS, RecordViewSet
from itsm.api.viewsets import ScopedReadOnlyViewSet
from problems import selectors, services
from problems.api import serializers as s
from problems.filtersets import KnownErrorFilter, ProblemFilter
from problems.models import Problem

SUGGESTIONS = 5


class ProblemViewSet(RecordViewSet):
    """Problems, for problem staff (service desk, resolvers, problem managers)."""

    model = Problem
    # Only problem staff read problems: one shape for every reader.
    list_serializers = (s.ProblemSerializer, s.ProblemSerializer)
    detail_serializers = list_serializers
    create_serializers = (s.ProblemCreateSerializer, s.ProblemCreateSerializer)
    update_serializers = (s.ProblemUpdateSerializer, s.ProblemUpdateSerializer)
    transition_answers = {"resolve": (s.ProblemResolvedSerializer, s.ProblemResolvedSerializer)}
    filterset_class = ProblemFilter
    filter_backends = [StrictFilterBackend]
    pagination_class = KeysetPagination

    def get_queryset(self):
        return super().get_queryset().prefetch_related("configuration_items", "reported_by")

    def create_record(self, data):
        return services.problem_create(actor=self.request.user, **data)

    def update_record(self, record, changes, version):
        return services.problem_update(
            problem_id=record.pk, actor=self.request.user, changes=changes, expected_version=version
        )

    # --- Linked incidents ----------------------------------------------------------------

    @extend_schema(responses={200: s.LinkedIncidentSerializer(many=True), 404: NOT_FOUND})
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=CappedPageNumberPagination,
    )
    def incidents(self, request, pk=None):
        """The incidents linked to the problem that you may see, latest first."""
        problem = self.get_object()
        rows = selectors.problem_incidents_visible_to(user=request.user).filter(problem=problem)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.LinkedIncidentSerializer(page, many=True).data)

    @extend_schema(
        request=s.LinkIncidentsSerializer,
        responses={200: s.ProblemSerializer, **WRITE_ERRORS},
        description="Link incidents to the problem; each incident gets a history row.",
    )
    @action(detail=True, methods=["post"], url_path="link-incidents", filter_backends=[])
    def link_incidents(self, request, pk=None):
        problem = self.get_object()
        data = self._validated(s.LinkIncidentsSerializer)
        services.problem_link_incidents(
            problem_id=problem.pk, incident_ids=data["incident_ids"], actor=request.user
        )
        return self._reloaded(problem)

    @extend_schema(
        request=s.UnlinkIncidentSerializer,
        responses={200: s.ProblemSerializer, **WRITE_ERRORS},
        description="Unlink one of the problem's incidents (404 if it is not linked to it); "
        "the incident gets a history row.",
    )
    @action(detail=True, methods=["post"], url_path="unlink-incident", filter_backends=[])
    def unlink_incident(self, request, pk=None):
        problem = self.get_object()
        data = self._validated(s.UnlinkIncidentSerializer)
        linked = selectors.problem_incidents_visible_to(user=request.user).filter(
            problem=problem, pk=data["incident_id"]
        )
        if not linked.exists():
            raise NotFound("No such incident on this problem.")
        services.problem_unlink_incident(incident_id=data["incident_id"], actor=request.user)
        return self._reloaded(problem)


class KnownErrorViewSet(ScopedReadOnlyViewSet):
    """The known-error database: published workarounds, for every signed-in user."""

    selector = selectors.known_error_list_visible_to
    serializer_class = s.KnownErrorSerializer
    filterset_class = KnownErrorFilter
    filter_backends = [StrictFilterBackend]
    pagination_class = KeysetPagination
    lookup_value_regex = "[0-9]+"

    def get_object(self):
        return selectors.known_error_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        parameters=[s.SuggestQuerySerializer],
        responses={200: s.KnownErrorSerializer(many=True), 400: INVALID},
        description=f"The {SUGGESTIONS} best matches: the chosen service first, then by "
        "relevance. Used to offer workarounds before an incident is logged.",
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def suggest(self, request):
        query = s.SuggestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = selectors.known_error_search(
            user=request.user,
            text=query.validated_data.get("title", "")[: s.SUGGEST_TITLE_LENGTH],
            service=query.validated_data.get("service"),
        )[:SUGGESTIONS]
        return Response(s.KnownErrorSerializer(found, many=True).data)
