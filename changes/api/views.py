"""The change API on the record API base, the template catalogue and the approvals inbox.

Scoping, strict input, versions, PUT and DELETE answers, one endpoint per transition
(``approve`` and ``reject`` among them), comments and history come from
:class:`itsm.api.records.RecordViewSet`. Here: create and edit, the approval tracks and
the collisions of one change, the templates and the caller's inbox.
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from changes import selectors, services
from changes.api import serializers as s
from changes.filtersets import ChangeFilter, TemplateFilter
from changes.models import Change, StandardChangeTemplate
from changes.schedule import change_collisions
from itsm import approvals
from itsm.api.approvals import TrackSerializer
from itsm.api.filters import StrictFilterBackend
from itsm.api.pagination import CappedPageNumberPagination, KeysetPagination
from itsm.api.records import RecordViewSet
from itsm.api.viewsets import ScopedReadOnlyViewSet, ScopedViewSet

PAIR = (s.ChangeSerializer, s.ChangeSerializer)


class ChangeViewSet(RecordViewSet):
    """Changes, for IT staff whose role may view them."""

    model = Change
    list_serializers = PAIR
    detail_serializers = (s.ChangeDetailSerializer, s.ChangeDetailSerializer)
    create_serializers = (s.ChangeCreateSerializer, s.ChangeCreateSerializer)
    update_serializers = (s.ChangeUpdateSerializer, s.ChangeUpdateSerializer)
    filterset_class = ChangeFilter
    filter_backends = [StrictFilterBackend]
    pagination_class = KeysetPagination
    ordering = ("-created_at",)

    def get_queryset(self):
        people = get_user_model().objects.only("pk", "username")
        return (
            super()
            .get_queryset()
            .select_related("requested_by", "change_manager", "implementer")
            .prefetch_related(
                "services", "configuration_items", Prefetch("watchers", queryset=people)
            )
        )

    def create_record(self, data):
        return services.change_create(actor=self.request.user, **data)

    def update_record(self, record, changes, version):
        return services.change_update(
            change_id=record.pk, actor=self.request.user, changes=changes, expected_version=version
        )

    @extend_schema(responses={200: TrackSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def approvals(self, request, pk=None):
        """Every approval track of the change, newest first, with its decisions."""
        change = self.get_object()
        return Response(TrackSerializer(approvals.tracks_of(change), many=True).data)

    @extend_schema(responses={200: None})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def conflicts(self, request, pk=None):
        """Collisions of the change's planned window now, and those recorded when scheduled."""
        change = self.get_object()
        return Response({"current": change_collisions(change), "recorded": change.conflicts})


class TemplateViewSet(ScopedReadOnlyViewSet):
    """The standard change catalogue, with every version and its approval state."""

    selector = staticmethod(
        lambda *, user: (
            StandardChangeTemplate.objects.prefetch_related(
                "versions__services", "versions__configuration_items"
            )
            if selectors.sees_all_changes(user)
            else StandardChangeTemplate.objects.none()
        )
    )
    serializer_class = s.TemplateSerializer
    filterset_class = TemplateFilter
    filter_backends = [StrictFilterBackend]
    pagination_class = CappedPageNumberPagination
    lookup_value_regex = "[0-9]+"


class ApprovalInboxViewSet(ScopedViewSet):
    """The caller's pending change approvals, oldest first (decide with the change's
    ``approve`` and ``reject`` endpoints)."""

    selector = staticmethod(lambda *, user: approvals.inbox(user, model=Change))
    serializer_class = s.InboxSerializer
    filter_backends = []
    # One approver's open decisions: the whole inbox in one answer, as the schema says.
    pagination_class = None

    @extend_schema(responses={200: s.InboxSerializer(many=True)})
    def list(self, request):
        rows = selectors.approval_inbox(user=request.user)
        return Response(s.InboxSerializer(rows, many=True).data)
