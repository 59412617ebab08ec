"""The problem API and the known-error database API: selectors for every read, services
for every write.

Problems are staff records: everyone else gets a 404 on every problem endpoint, whatever
the method (the selector is empty for them). One POST endpoint per transition the table
offers in the API, its body built from the declared inputs. Problems are never deleted
(they are cancelled) and never replaced whole: PUT and DELETE answer 405.

Until the generic record API base lands in ``itsm/api/``, this viewset builds on the
shared ``ScopedViewSet``, keyset pagination and error handler.
"""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response

from itsm.api.pagination import CappedPageNumberPagination, KeysetPagination
from itsm.api.viewsets import ScopedReadOnlyViewSet, ScopedViewSet
from problems import selectors, services
from problems.api import serializers as s
from problems.filtersets import KnownErrorFilter, ProblemFilter
from problems.workflow import WORKFLOW

SUGGESTIONS = 5


class ProblemViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Problems, for problem staff (service desk, resolvers, problem managers)."""

    selector = selectors.problem_list_visible_to
    serializer_class = s.ProblemSerializer
    filterset_class = ProblemFilter
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    lookup_value_regex = "[0-9]+"

    @property
    def allowed_methods(self):
        # PUT and DELETE have handlers only to answer 404 before 405; they are not allowed.
        return [m for m in super().allowed_methods if m not in ("PUT", "DELETE")]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("configuration_items", "reported_by")

    def get_object(self):
        problem = selectors.problem_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, problem)
        return problem

    def _validated(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _detail(self, problem, code=status.HTTP_200_OK) -> Response:
        fresh = selectors.problem_get_for_user(user=self.request.user, pk=problem.pk)
        body = s.ProblemSerializer(fresh, context=self.get_serializer_context()).data
        report = getattr(problem, "linked_report", None)
        if report is not None:
            body["linked_incidents_report"] = {
                "resolved": report.resolved,
                "resumed": report.resumed,
                "skipped": [{"number": n, "detail": why} for n, why in report.skipped],
            }
        return Response(body, code)

    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    @extend_schema(request=s.ProblemCreateSerializer, responses={201: s.ProblemSerializer})
    def create(self, request):
        data = self._validated(s.ProblemCreateSerializer)
        problem = services.problem_create(actor=request.user, **data)
        return self._detail(problem, status.HTTP_201_CREATED)

    @extend_schema(request=s.ProblemUpdateSerializer, responses={200: s.ProblemSerializer})
    def partial_update(self, request, pk=None):
        problem = self.get_object()
        changes = self._validated(s.ProblemUpdateSerializer, partial=True)
        version = changes.pop("version")
        written = services.problem_update(
            problem_id=problem.pk, actor=request.user, changes=changes, expected_version=version
        )
        return self._detail(written)

    @extend_schema(request=None, responses={405: None})
    def update(self, request, pk=None):
        self.get_object()
        raise MethodNotAllowed(request.method, detail="Change a problem with PATCH.")

    @extend_schema(request=None, responses={405: None})
    def destroy(self, request, pk=None):
        self.get_object()
        raise MethodNotAllowed(request.method, detail="Problems are cancelled, not deleted.")

    def run_table_transition(self, name: str) -> Response:
        problem = self.get_object()
        params = self._validated(s.transition_serializer(WORKFLOW[name]))
        version = params.pop("version", None)
        written = services.problem_transition(
            problem_id=problem.pk,
            name=name,
            actor=self.request.user,
            expected_version=version,
            **{key: value for key, value in params.items() if value not in ("", None)},
        )
        return self._detail(written)

    # --- Linked incidents, comments, history ---------------------------------------------

    @extend_schema(responses={200: s.LinkedIncidentSerializer(many=True)})
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=CappedPageNumberPagination,
    )
    def incidents(self, request, pk=None):
        problem = self.get_object()
        rows = selectors.problem_incidents_visible_to(user=request.user).filter(problem=problem)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.LinkedIncidentSerializer(page, many=True).data)

    @extend_schema(request=s.LinkIncidentsSerializer, responses={200: s.ProblemSerializer})
    @action(detail=True, methods=["post"], url_path="link-incidents", filter_backends=[])
    def link_incidents(self, request, pk=None):
        problem = self.get_object()
        data = self._validated(s.LinkIncidentsSerializer)
        services.problem_link_incidents(
            problem_id=problem.pk, incident_ids=data["incident_ids"], actor=request.user
        )
        return self._detail(problem)

    @extend_schema(request=s.UnlinkIncidentSerializer, responses={200: s.ProblemSerializer})
    @action(detail=True, methods=["post"], url_path="unlink-incident", filter_backends=[])
    def unlink_incident(self, request, pk=None):
        problem = self.get_object()
        data = self._validated(s.UnlinkIncidentSerializer)
        linked = selectors.problem_incidents_visible_to(user=request.user).filter(
            problem=problem, pk=data["incident_id"]
        )
        if not linked.exists():
            return Response(
                {"code": "not_found", "detail": "No such incident on this problem."},
                status=status.HTTP_404_NOT_FOUND,
            )
        services.problem_unlink_incident(incident_id=data["incident_id"], actor=request.user)
        return self._detail(problem)

    @extend_schema(
        methods=["POST"],
        request=s.ProblemCommentCreateSerializer,
        responses={201: s.ProblemCommentSerializer},
    )
    @extend_schema(methods=["GET"], responses={200: s.ProblemCommentSerializer(many=True)})
    @action(
        detail=True,
        methods=["get", "post"],
        filter_backends=[],
        pagination_class=CappedPageNumberPagination,
    )
    def comments(self, request, pk=None):
        problem = self.get_object()
        if request.method == "POST":
            data = self._validated(s.ProblemCommentCreateSerializer)
            comment = services.problem_comment_add(
                problem_id=problem.pk, actor=request.user, **data
            )
            return Response(
                s.ProblemCommentSerializer(comment).data, status=status.HTTP_201_CREATED
            )
        rows = selectors.problem_comments_visible_to(user=request.user, problem=problem)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.ProblemCommentSerializer(page, many=True).data)

    @extend_schema(responses={200: s.ProblemHistoryEntrySerializer(many=True)})
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=CappedPageNumberPagination,
    )
    def history(self, request, pk=None):
        problem = self.get_object()
        rows = problem.history.select_related("history_user").order_by("history_date", "history_id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.ProblemHistoryEntrySerializer(page, many=True).data)


def _transition_endpoint(transition):
    def endpoint(self, request, pk=None):
        return self.run_table_transition(transition.name)

    endpoint.__name__ = f"transition_{transition.name}"
    endpoint.__doc__ = f"{transition.label} (allowed to {transition.who})."
    schema = extend_schema(
        request=s.transition_serializer(transition), responses={200: s.ProblemSerializer}
    )
    return schema(
        action(
            detail=True,
            methods=["post"],
            url_path=transition.slug,
            url_name=transition.slug,
            filter_backends=[],
        )(endpoint)
    )


for _transition in WORKFLOW.offered_in("api"):
    setattr(ProblemViewSet, f"transition_{_transition.name}", _transition_endpoint(_transition))


class KnownErrorViewSet(ScopedReadOnlyViewSet):
    """The known-error database: published workarounds, for every signed-in user."""

    selector = selectors.known_error_list_visible_to
    serializer_class = s.KnownErrorSerializer
    filterset_class = KnownErrorFilter
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    lookup_value_regex = "[0-9]+"

    def get_object(self):
        return selectors.known_error_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        parameters=[
            OpenApiParameter("title", str, description="What the employee typed."),
            OpenApiParameter("service", int, description="The service they chose."),
        ],
        responses={200: s.KnownErrorSerializer(many=True)},
        description=f"The {SUGGESTIONS} best matches: the chosen service first, then by "
        "relevance. Used to offer workarounds before an incident is logged.",
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def suggest(self, request):
        service = request.query_params.get("service", "")
        found = selectors.known_error_search(
            user=request.user,
            text=request.query_params.get("title", "")[:200],
            service=int(service) if service.isdigit() else None,
        )[:SUGGESTIONS]
        return Response(s.KnownErrorSerializer(found, many=True).data)
