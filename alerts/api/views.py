"""The alert endpoint monitoring posts to, and the staff's read lists.

``POST /api/v1/integrations/{slug}/alerts/`` authenticates the sender its own way
(:mod:`alerts.signatures`), stores the body in an inbox row and answers 202 only once that
row is committed; a task processes it. The answers follow what the senders do with them:
2xx is done, 5xx is "try again" (503 with ``Retry-After`` when the database is down), any
other 4xx drops the delivery.
"""

import json
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from alerts import selectors, senders, services
from alerts.api.serializers import (
    AlertEventSerializer,
    AlertsAcceptedSerializer,
    IntegrationSerializer,
)
from alerts.filtersets import AlertEventFilter, IntegrationFilter
from alerts.signatures import authentic
from itsm.api.filters import StrictFilterBackend
from itsm.api.inputs import ApiErrorSerializer
from itsm.api.pagination import KeysetPagination
from itsm.api.schema import ApiSchema
from itsm.api.viewsets import ScopedReadOnlyViewSet

logger = logging.getLogger(__name__)


class IntegrationViewSet(ScopedReadOnlyViewSet):
    """Monitoring integrations (IT staff). The secret is never shown."""

    selector = staticmethod(selectors.integration_list_visible_to)
    serializer_class = IntegrationSerializer
    filterset_class = IntegrationFilter
    filter_backends = [StrictFilterBackend]


class AlertEventViewSet(ScopedReadOnlyViewSet):
    """Alerts as received, one per (integration, grouping key) and incident (IT staff)."""

    selector = staticmethod(selectors.alert_event_list_visible_to)
    serializer_class = AlertEventSerializer
    filterset_class = AlertEventFilter
    filter_backends = [StrictFilterBackend]
    pagination_class = KeysetPagination


def _error(status: int, code: str, detail: str, **headers) -> JsonResponse:
    response = JsonResponse({"code": code, "detail": detail}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _unavailable() -> JsonResponse:
    return _error(
        503,
        "unavailable",
        "The alert store is unavailable; send again later.",
        Retry_After=str(settings.ALERTS_RETRY_AFTER_SECONDS),
    )


def _error_answer(description: str) -> OpenApiResponse:
    return OpenApiResponse(ApiErrorSerializer, description=description)


INGEST_RESPONSES = {
    202: AlertsAcceptedSerializer,
    400: _error_answer("The body is not JSON of the sender's shape (`invalid_json`, `invalid`)."),
    401: _error_answer("The sender's credential or signature is missing or wrong."),
    404: _error_answer("No active integration with this slug."),
    413: _error_answer("The body or the number of alerts is over the limit."),
    415: _error_answer("The body must be `application/json`."),
    503: _error_answer("The store is unavailable; `Retry-After` says when to send again."),
}


class IngestSchema(ApiSchema):
    """The body is required: a delivery without one is refused (415), as documented."""

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if body:
            body["required"] = True
        return body


class AlertIngestView(APIView):
    """Receive a delivery from a monitoring sender."""

    schema = IngestSchema()
    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = []

    @extend_schema(
        operation_id="integration_alerts_receive",
        request={"application/json": OpenApiTypes.OBJECT},
        responses=INGEST_RESPONSES,
        auth=[],
        description=(
            "The body is the sender's own payload (Alertmanager webhook version 4, Grafana "
            "webhook version 1, Sentry `metric_alert`, or the integration's generic JSON "
            "mapping). Authentication is the sender's: `Authorization: Bearer` or basic "
            "auth (Alertmanager, generic), `X-Grafana-Alerting-Signature` (Grafana), "
            "`Sentry-Hook-Signature` (Sentry)."
        ),
    )
    def post(self, request, slug):
        limit = settings.ALERTS_MAX_BODY_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return _error(413, "request_too_large", f"The body may be at most {limit} bytes.")
        try:
            integration = selectors.active_integration(slug)
        except DatabaseError:
            logger.exception("Alert endpoint: database unavailable.")
            return _unavailable()
        if integration is None:
            return _error(404, "not_found", "Not found.")
        content_type = request.content_type.split(";")[0].strip().lower()
        if content_type != "application/json":
            return _error(415, "unsupported_media_type", "Send application/json.")
        body = request.body
        if len(body) > limit:
            return _error(413, "request_too_large", f"The body may be at most {limit} bytes.")
        if not authentic(integration, body, request.headers):
            return _error(401, "not_authenticated", "The credential or signature is not valid.")
        return self._store(integration, body, request.headers)

    def _store(self, integration, body: bytes, headers):
        try:
            payload = json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            return _error(400, "invalid_json", "The body is not valid JSON.")
        try:
            alerts = senders.count(integration.kind, payload, integration.field_mapping)
            if alerts <= settings.ALERTS_MAX_BATCH:
                senders.parse(
                    integration.kind,
                    payload,
                    mapping=integration.field_mapping,
                    headers=headers,
                )
        except senders.BadPayload as error:
            return _error(400, "invalid", f"The body is not of the sender's shape: {error}.")
        if alerts > settings.ALERTS_MAX_BATCH:
            return _error(
                413,
                "too_many_alerts",
                f"A delivery may carry at most {settings.ALERTS_MAX_BATCH} alerts.",
            )
        try:
            with transaction.atomic():
                inbox = services.inbox_receive(integration=integration, body=body, headers=headers)
        except DatabaseError:
            logger.exception("Alert endpoint: the delivery could not be stored.")
            return _unavailable()
        return JsonResponse({"id": inbox.pk, "alerts": alerts}, status=202)
