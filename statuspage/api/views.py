"""The status page API under ``/api/v1/status/``.

- ``components`` and ``incidents``: IT staff read every component (internal ones too) and
  status incident, and write them through ``statuspage.services``; everyone else gets
  an empty list, a 404 on a row and a 403 on a create.
- ``summary``: the public page's JSON, for anyone, from the same cache as the page.
- ``subscriptions``: the public double opt-in (subscribe, confirm, unsubscribe), limited
  per client address, and subscribe per e-mail address too, as the page's form is.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from itsm.api.filters import StrictFilterBackend
from itsm.api.pagination import CappedPageNumberPagination, KeysetPagination
from itsm.api.parsers import JSONParser
from itsm.api.records import ERROR, INVALID, WRITE_ERRORS
from itsm.api.schema import ApiSchema
from itsm.api.viewsets import ScopedViewSet
from itsm.client_address import client_address
from itsm.errors import Refused
from itsm.roles import role_allows
from statuspage import cache, selectors, services
from statuspage.api import serializers as s
from statuspage.filtersets import ComponentFilter, StatusIncidentFilter
from statuspage.forms import throttled
from statuspage.views import summary_data

SENT = "If the address can receive mail, a confirmation link is on its way."


def _may_write(user) -> bool:
    return role_allows(user, "statuspage", "change")


class StatusViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    filter_backends = [StrictFilterBackend]
    pagination_class = CappedPageNumberPagination
    parser_classes = [JSONParser]
    lookup_value_regex = "[0-9]+"

    def _validated(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _check_writer(self) -> None:
        if not _may_write(self.request.user):
            raise Refused("not_permitted", "Only IT staff may change the status page.")

    def _answer(self, pk, code=status.HTTP_200_OK) -> Response:
        row = self.get_queryset().get(pk=pk)
        return Response(self.get_serializer_class()(row).data, status=code)


class ComponentViewSet(StatusViewSet):
    """Status page components, internal ones too (IT staff)."""

    selector = staticmethod(selectors.component_list_visible_to)
    serializer_class = s.ComponentSerializer
    filterset_class = ComponentFilter

    @extend_schema(
        request=s.ComponentCreateSerializer,
        responses={201: s.ComponentSerializer, 400: INVALID, 403: ERROR},
    )
    def create(self, request):
        self._check_writer()
        data = self._validated(s.ComponentCreateSerializer)
        component = services.component_create(actor=request.user, **data)
        return self._answer(component.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ComponentUpdateSerializer,
        responses={200: s.ComponentSerializer, **WRITE_ERRORS},
        description="Edit the public fields; `version` is required (a stale one is a 409).",
    )
    def partial_update(self, request, pk=None):
        component = self.get_object()
        self._check_writer()
        data = self._validated(s.ComponentUpdateSerializer, partial=True)
        services.component_update(
            component_id=component.pk,
            actor=request.user,
            expected_version=data.pop("version"),
            **data,
        )
        return self._answer(component.pk)

    @extend_schema(
        request=s.ComponentStatusSerializer,
        responses={200: s.ComponentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="set-status", filter_backends=[])
    def set_status(self, request, pk=None):
        """Set the status by hand, with a reason (``""`` hands it back to the records)."""
        component = self.get_object()
        self._check_writer()
        data = self._validated(s.ComponentStatusSerializer)
        services.component_set_status(
            component_id=component.pk,
            actor=request.user,
            status=data["status"],
            reason=data["reason"],
            expected_version=data.get("version"),
        )
        return self._answer(component.pk)


class StatusIncidentViewSet(StatusViewSet):
    """Status incidents (the public face of major incidents) with their updates, newest
    first (IT staff)."""

    selector = staticmethod(selectors.status_incident_list_visible_to)
    serializer_class = s.StatusIncidentSerializer
    filterset_class = StatusIncidentFilter
    pagination_class = KeysetPagination

    @extend_schema(
        request=s.StatusIncidentCreateSerializer,
        responses={201: s.StatusIncidentSerializer, 400: INVALID, 403: ERROR},
    )
    def create(self, request):
        """Publish a major incident with its first public update."""
        if not services.may_post(request.user):
            raise Refused("not_permitted")
        data = self._validated(s.StatusIncidentCreateSerializer)
        incident = data.pop("incident")
        status_incident = services.status_incident_open(
            incident_id=incident.pk, actor=request.user, **data
        )
        return self._answer(status_incident.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.StatusUpdateCreateSerializer,
        responses={201: s.StatusIncidentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="updates", filter_backends=[])
    def post_update(self, request, pk=None):
        """Post the next public update; ``resolved`` ends the status incident."""
        status_incident = self.get_object()
        data = self._validated(s.StatusUpdateCreateSerializer)
        services.status_update_post(
            status_incident_id=status_incident.pk,
            actor=request.user,
            expected_version=data.pop("version", None),
            **data,
        )
        return self._answer(status_incident.pk, status.HTTP_201_CREATED)


class SummaryView(APIView):
    """What the public status page shows, as JSON (the same as /status/api/summary.json)."""

    schema = ApiSchema()
    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(cache.cached("summary", summary_data))


class SubscriptionThrottle(SimpleRateThrottle):
    """Per client address, read as the login lockout reads it, signed in or not."""

    scope = "status_subscriptions"
    rate = "30/hour"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class SubscriptionViewSet(ScopedViewSet):
    """The public subscription to status updates by e-mail: double opt-in."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SubscriptionThrottle]
    parser_classes = [JSONParser]
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        return selectors.components_for(public=True).none()

    @extend_schema(
        request=s.SubscribeSerializer,
        responses={202: s.SubscriptionAnswerSerializer, 400: INVALID},
        description="Ask for updates about public components: a confirmation link is "
        "e-mailed. The answer is the same whether the address was subscribed before.",
    )
    def create(self, request):
        serializer = s.SubscribeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if throttled(request, data["email"]):
            raise Throttled(detail="Too many requests for this address; try again in an hour.")
        services.subscription_request(
            email=data["email"], component_ids=[c.pk for c in data["components"]]
        )
        return Response({"detail": SENT}, status=status.HTTP_202_ACCEPTED)

    def _token(self, run) -> Response:
        serializer = s.TokenSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        subscriber = run(token=serializer.validated_data["token"])
        return Response(s.SubscriberStateSerializer(subscriber).data)

    @extend_schema(
        request=s.TokenSerializer,
        responses={200: s.SubscriberStateSerializer, 400: INVALID},
    )
    @action(detail=False, methods=["post"])
    def confirm(self, request):
        """Confirm a subscription with the token from its e-mail."""
        return self._token(services.subscription_confirm)

    @extend_schema(
        request=s.TokenSerializer,
        responses={200: s.SubscriberStateSerializer, 400: INVALID},
    )
    @action(detail=False, methods=["post"])
    def unsubscribe(self, request):
        """Stop a subscription with the token from any update's unsubscribe link."""
        return self._token(services.subscription_cancel)
