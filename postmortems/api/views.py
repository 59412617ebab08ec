"""The postmortem API: IT staff read and edit (everyone else gets a 404, or a 403 on a
create); one POST endpoint per transition ``postmortems.workflow`` offers the API, built
by the kit's ``transition_action`` (body from the table's inputs, error codes in the
schema). Every write goes through ``postmortems.services``."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.api.filters import StrictFilterBackend
from itsm.api.pagination import KeysetPagination
from itsm.api.parsers import JSONParser
from itsm.api.records import ERROR, INVALID, NOT_FOUND, WRITE_ERRORS
from itsm.api.transitions import transition_action
from itsm.api.viewsets import ScopedViewSet
from itsm.errors import Refused
from postmortems import selectors, services
from postmortems.api import serializers as s
from postmortems.filtersets import PostmortemFilter
from postmortems.models import ActionItem, TimelineEntry
from postmortems.workflow import WORKFLOW


class PostmortemViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Postmortems of major incidents, newest first."""

    selector = selectors.postmortem_list_visible_to
    serializer_class = s.PostmortemSerializer
    filterset_class = PostmortemFilter
    filter_backends = [StrictFilterBackend]
    pagination_class = KeysetPagination
    parser_classes = [JSONParser]
    lookup_value_regex = "[0-9]+"

    def get_object(self):
        return selectors.postmortem_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def _detail(self, pk) -> Response:
        postmortem = selectors.postmortem_get_for_user(user=self.request.user, pk=pk)
        related = (
            Prefetch("timeline", TimelineEntry.objects.order_by("at", "id")),
            Prefetch(
                "action_items", ActionItem.objects.select_related("owner", "problem", "change")
            ),
            "services_affected",
        )
        postmortem = (
            selectors.postmortem_list_visible_to(user=self.request.user)
            .select_related("problem")
            .prefetch_related(*related)
            .get(pk=postmortem.pk)
        )
        return Response(s.PostmortemDetailSerializer(postmortem).data)

    @extend_schema(responses={200: s.PostmortemDetailSerializer, 404: NOT_FOUND})
    def retrieve(self, request, pk=None):
        return self._detail(pk)

    def _validated(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(
        request=s.PostmortemCreateSerializer,
        responses={201: s.PostmortemDetailSerializer, 400: INVALID, 403: ERROR},
    )
    def create(self, request):
        """Open the postmortem of a major incident, its timeline built from the incident."""
        if not selectors.sees_postmortems(request.user):
            raise Refused("not_permitted", "Only IT staff write postmortems.")
        data = self._validated(s.PostmortemCreateSerializer)
        postmortem = services.postmortem_create(
            incident_id=data["incident"].pk, actor=request.user, title=data.get("title", "")
        )
        response = self._detail(postmortem.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        request=s.PostmortemUpdateSerializer,
        responses={200: s.PostmortemDetailSerializer, **WRITE_ERRORS},
        description="Edit a draft's fields. `version` is required; a stale one is a 409. "
        "An in-review or published postmortem is read-only (409).",
    )
    def partial_update(self, request, pk=None):
        postmortem = self.get_object()
        changes = self._validated(s.PostmortemUpdateSerializer, partial=True)
        version = changes.pop("version")
        services.postmortem_update(
            postmortem_id=postmortem.pk,
            actor=request.user,
            changes=changes,
            expected_version=version,
        )
        return self._detail(postmortem.pk)

    @extend_schema(
        request=s.ActionItemWriteSerializer,
        responses={201: s.ActionItemDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="action-items", filter_backends=[])
    def add_action_item(self, request, pk=None):
        """Add an action item to a draft: a problem, a change or a task with an owner and a
        due date."""
        postmortem = self.get_object()
        data = self._validated(s.ActionItemWriteSerializer)
        item = services.action_item_add(postmortem_id=postmortem.pk, actor=request.user, **data)
        answer = s.ActionItemDetailSerializer(selectors.action_items_of(postmortem).get(pk=item.pk))
        return Response(answer.data, status=status.HTTP_201_CREATED)

    def run_transition(self, transition, serializer_class) -> Response:
        postmortem = self.get_object()
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        params = dict(serializer.validated_data)
        services.postmortem_transition(
            postmortem_id=postmortem.pk,
            name=transition.name,
            actor=self.request.user,
            expected_version=params.pop("version", None),
            **params,
        )
        return self._detail(postmortem.pk)


for _transition in WORKFLOW.offered_in("api"):
    setattr(
        PostmortemViewSet,
        _transition.name,
        transition_action(_transition, prefix="Postmortem", response=s.PostmortemDetailSerializer),
    )


class ActionItemViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """Postmortem action items: edited with their draft, moved on at any time (IT staff)."""

    selector = selectors.action_item_list_visible_to
    serializer_class = s.ActionItemDetailSerializer
    filter_backends = []
    parser_classes = [JSONParser]
    lookup_value_regex = "[0-9]+"

    def _validated(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _answer(self, pk) -> Response:
        return Response(s.ActionItemDetailSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        request=s.ActionItemUpdateSerializer,
        responses={200: s.ActionItemDetailSerializer, **WRITE_ERRORS},
        description="Edit an action item of a draft postmortem.",
    )
    def partial_update(self, request, pk=None):
        item = self.get_object()
        changes = self._validated(s.ActionItemUpdateSerializer, partial=True)
        if changes:
            services.action_item_update(item_id=item.pk, actor=request.user, changes=changes)
        return self._answer(item.pk)

    @extend_schema(
        request=s.ActionItemProgressSerializer,
        responses={200: s.ActionItemDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def progress(self, request, pk=None):
        """Move the action item on (open, in progress, done, cancelled), even once the
        postmortem is published."""
        item = self.get_object()
        data = self._validated(s.ActionItemProgressSerializer)
        services.action_item_progress(item_id=item.pk, actor=request.user, status=data["status"])
        return self._answer(item.pk)
