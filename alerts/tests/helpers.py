"""Integrations and posts for the alerts tests."""

import base64
import json

from django.test import Client

from alerts.choices import Kind
from alerts.models import Integration
from alerts.signatures import sign
from incidents.tests.factories import network_team

SECRET = "s3cret-token"


def make_integration(kind=Kind.ALERTMANAGER, slug=None, **fields):
    fields.setdefault("assignment_group", network_team())
    return Integration.objects.create(
        name=f"{kind} monitoring",
        slug=slug or kind,
        kind=kind,
        secret=SECRET,
        **fields,
    )


def url(integration) -> str:
    return f"/api/v1/integrations/{integration.slug}/alerts/"


def credentials(integration, body: bytes) -> dict:
    """The headers the integration's sender sends (Django test client ``HTTP_`` form)."""
    if integration.kind == Kind.GRAFANA:
        return {"HTTP_X_GRAFANA_ALERTING_SIGNATURE": sign(SECRET, body)}
    if integration.kind == Kind.SENTRY:
        return {
            "HTTP_SENTRY_HOOK_SIGNATURE": sign(SECRET, body),
            "HTTP_SENTRY_HOOK_RESOURCE": "metric_alert",
        }
    return {"HTTP_AUTHORIZATION": f"Bearer {SECRET}"}


def post(integration, payload, *, raw: bytes | None = None, headers=None, capture=None):
    """POST as the sender would; ``capture`` (django_capture_on_commit_callbacks) runs the
    processing queued after commit."""
    body = raw if raw is not None else json.dumps(payload).encode()
    extra = credentials(integration, body) if headers is None else headers
    client = Client()

    def send():
        return client.post(url(integration), body, content_type="application/json", **extra)

    if capture is None:
        return send()
    with capture(execute=True):
        return send()


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
