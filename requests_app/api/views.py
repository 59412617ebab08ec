"""The service request API on the record API base, the catalogue and fulfilment tasks.

Scoping (employees: requests they made or that are for them; approvers: those waiting
for them; staff: all), strict input, versions, one endpoint per transition of
``requests_app.workflow`` (``approve``, ``reject``, ``confirm``, ``cancel``...), comments
and history come from :class:`itsm.api.records.RecordViewSet`. Here: submitting with
answers, the approval tracks and tasks of one request, the catalogue with its question
definitions, and the task endpoints built from ``requests_app.task_workflow``.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm import approvals
from itsm.api.approvals import TrackSerializer
from itsm.api.filters import StrictFilterBackend
from itsm.api.pagination import CappedPageNumberPagination, KeysetPagination
from itsm.api.parsers import JSONParser
from itsm.api.records import NOT_FOUND, RecordViewSet
from itsm.api.transitions import transition_action
from itsm.api.viewsets import ScopedReadOnlyViewSet
from requests_app import selectors, services
from requests_app.api import serializers as s
from requests_app.filtersets import CatalogItemFilter, RequestFilter, TaskFilter
from requests_app.models import Question, ServiceRequest
from requests_app.task_workflow import TASK_WORKFLOW

PAIR = (s.ServiceRequestSerializer, s.ServiceRequestSerializer)


class ServiceRequestViewSet(RecordViewSet):
    """Service requests: yours and those made for you; every request for staff."""

    model = ServiceRequest
    list_serializers = PAIR
    detail_serializers = PAIR
    create_serializers = (s.ServiceRequestCreateSerializer, s.ServiceRequestCreateSerializer)
    update_serializers = (s.ServiceRequestUpdateSerializer, s.ServiceRequestUpdateSerializer)
    filterset_class = RequestFilter
    filter_backends = [StrictFilterBackend]
    pagination_class = KeysetPagination

    def create_record(self, data):
        return services.request_submit(
            actor=self.request.user,
            item_id=data["item"].pk,
            answers=data["answers"],
            requested_for=data.get("requested_for"),
            quantity=data["quantity"],
        )

    def update_record(self, record, changes, version):
        return services.request_update(
            request_id=record.pk, actor=self.request.user, changes=changes, expected_version=version
        )

    @extend_schema(responses={200: TrackSerializer(many=True), 404: NOT_FOUND})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def approvals(self, request, pk=None):
        """Every approval track of the request, newest first, with its decisions."""
        record = self.get_object()
        return Response(TrackSerializer(approvals.tracks_of(record), many=True).data)

    @extend_schema(responses={200: s.TaskSerializer(many=True), 404: NOT_FOUND})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def tasks(self, request, pk=None):
        """The request's fulfilment tasks, in order."""
        record = self.get_object()
        rows = record.tasks.select_related("request", "group", "assignee")
        return Response(s.TaskSerializer(rows, many=True).data)


class CatalogItemViewSet(ScopedReadOnlyViewSet):
    """The catalogue items you may request, each with the questions of its form."""

    selector = staticmethod(
        lambda *, user: selectors.catalog_items_for(user=user).prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.select_related("condition_question").order_by(
                    "order", "pk"
                ),
            )
        )
    )
    serializer_class = s.CatalogItemSerializer
    filterset_class = CatalogItemFilter
    filter_backends = [StrictFilterBackend]
    pagination_class = CappedPageNumberPagination
    lookup_value_regex = "[0-9]+"


class RequestTaskViewSet(ScopedReadOnlyViewSet):
    """Fulfilment tasks, for the service desk and fulfilment teams; one POST endpoint per
    task transition (assign, start, done, cancel)."""

    selector = staticmethod(selectors.task_list_visible_to)
    serializer_class = s.TaskSerializer
    filterset_class = TaskFilter
    filter_backends = [StrictFilterBackend]
    pagination_class = KeysetPagination
    parser_classes = [JSONParser]
    lookup_value_regex = "[0-9]+"

    def get_object(self):
        return selectors.task_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def run_transition(self, transition, serializer_class) -> Response:
        task = self.get_object()
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        params = dict(serializer.validated_data)
        written = services.task_transition(
            task_id=task.pk,
            name=transition.name,
            actor=self.request.user,
            expected_version=params.pop("version", None),
            **params,
        )
        fresh = selectors.task_list_visible_to(user=self.request.user).filter(pk=written.pk).first()
        return Response(s.TaskSerializer(fresh or written).data)


for _transition in TASK_WORKFLOW.offered_in("api"):
    setattr(
        RequestTaskViewSet,
        _transition.name,
        transition_action(_transition, prefix="RequestTask", response=s.TaskSerializer),
    )
