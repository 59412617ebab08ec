"""On-call API: schedules and who is on call now (read), pages with acknowledge."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.api.filters import StrictFilterBackend
from itsm.api.inputs import ApiErrorSerializer
from itsm.api.pagination import CappedPageNumberPagination, KeysetPagination
from itsm.api.viewsets import ScopedReadOnlyViewSet, ScopedViewSet
from oncall import selectors, services
from oncall.api import serializers as s
from oncall.choices import AckVia
from oncall.filtersets import PageFilter, ScheduleFilter


class ScheduleViewSet(ScopedReadOnlyViewSet):
    """On-call schedules of the assignment groups, with their rotations (IT staff)."""

    selector = staticmethod(selectors.schedule_list_visible_to)
    serializer_class = s.ScheduleSerializer
    filterset_class = ScheduleFilter
    filter_backends = [StrictFilterBackend]
    pagination_class = CappedPageNumberPagination
    lookup_value_regex = "[0-9]+"


class OnCallNowViewSet(ScopedViewSet):
    """Who is on call now in every rotation of every schedule (``user`` null: a gap)."""

    selector = staticmethod(selectors.schedule_list_visible_to)
    serializer_class = s.OnCallSerializer
    filter_backends = []
    # One row per rotation: the whole board in one answer, as the schema says.
    pagination_class = None

    @extend_schema(responses={200: s.OnCallSerializer(many=True)})
    def list(self, request):
        rows = [row for schedule in self.get_queryset() for row in selectors.on_call(schedule)]
        return Response(s.OnCallSerializer(rows, many=True).data)


class PageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Pages sent to on-call people, newest first (IT staff)."""

    selector = staticmethod(selectors.page_list_visible_to)
    serializer_class = s.PageSerializer
    filterset_class = PageFilter
    filter_backends = [StrictFilterBackend]
    pagination_class = KeysetPagination
    lookup_value_regex = "[0-9]+"

    @extend_schema(
        request=None,
        responses={
            200: s.PageSerializer,
            409: OpenApiResponse(ApiErrorSerializer, description="`code` is `page_acknowledged`."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def acknowledge(self, request, pk=None):
        """Acknowledge the page (and the incident's paging of its group); stops escalation
        and records the incident's first response."""
        page = self.get_object()
        page = services.page_acknowledge(page_id=page.pk, actor=request.user, via=AckVia.API)
        return Response(
            s.PageSerializer(selectors.page_get_for_user(user=request.user, pk=page.pk)).data
        )
