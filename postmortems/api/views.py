"""The postmortem API: read for IT staff (everyone else gets a 404) and one POST endpoint
per transition ``postmortems.workflow`` offers the API, built by the kit's
``transition_action`` (body from the table's inputs, error codes in the schema)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from itsm.api.filters import StrictFilterBackend
from itsm.api.pagination import CappedPageNumberPagination
from itsm.api.parsers import JSONParser
from itsm.api.records import NOT_FOUND
from itsm.api.transitions import transition_action
from itsm.api.viewsets import ScopedViewSet
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
    pagination_class = CappedPageNumberPagination
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
