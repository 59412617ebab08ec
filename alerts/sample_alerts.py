"""A firing test alert in each sender's shape, signed as that sender signs it."""

import base64
import json
import uuid

from alerts.choices import Kind
from alerts.signatures import GRAFANA_SIGNATURE, SENTRY_SIGNATURE, sign


def _group(version: str, at) -> dict:
    return {
        "version": version,
        "status": "firing",
        "receiver": "itsm",
        "groupKey": '{}:{alertname="ItsmTestAlert"}',
        "truncatedAlerts": 0,
        "groupLabels": {"alertname": "ItsmTestAlert"},
        "commonLabels": {"alertname": "ItsmTestAlert"},
        "commonAnnotations": {},
        "externalURL": "http://localhost",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "ItsmTestAlert", "severity": "info"},
                "annotations": {"summary": "Test alert sent from the service desk"},
                "startsAt": at.isoformat(),
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "",
                "fingerprint": f"test-{uuid.uuid4().hex[:12]}",
            }
        ],
    }


def delivery(integration, *, at) -> tuple[bytes, dict]:
    """(body, headers) as the integration's sender would post a firing test alert."""
    if integration.kind == Kind.SENTRY:
        payload = {
            "action": "critical",
            "data": {
                "metric_alert": {"id": uuid.uuid4().hex[:8], "alert_rule": {"name": "Test"}},
                "description_title": "Test alert sent from the service desk",
                "description_text": "",
            },
        }
    elif integration.kind == Kind.GENERIC:
        payload = {"id": f"test-{uuid.uuid4().hex[:12]}", "status": "firing", "title": "Test"}
    else:
        payload = _group("1" if integration.kind == Kind.GRAFANA else "4", at)
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if integration.kind == Kind.GRAFANA:
        headers[GRAFANA_SIGNATURE] = sign(integration.secret, body)
    elif integration.kind == Kind.SENTRY:
        headers[SENTRY_SIGNATURE] = sign(integration.secret, body)
        headers["Sentry-Hook-Resource"] = "metric_alert"
    else:
        token = base64.b64encode(f"{integration.basic_username}:{integration.secret}".encode())
        headers["Authorization"] = f"Basic {token.decode()}"
    return body, headers
