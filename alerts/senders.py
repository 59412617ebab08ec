"""What each sender's payload means: a list of alerts, each handled on its own.

- Alertmanager (webhook payload version 4) and Grafana (unified alerting webhook, version
  1) share one shape: a group with ``status`` and ``alerts``, each alert with its own
  ``status``, ``labels``, ``annotations``, ``startsAt``, ``endsAt`` and ``fingerprint``. The
  alert's status wins over the group's; an ``endsAt`` of ``0001-01-01T00:00:00Z`` means
  "not ended". Alerts left out by ``truncatedAlerts`` are simply absent: nothing resolves
  them.
- Sentry (integration webhooks, resource ``metric_alert``): one alert per delivery;
  ``action`` is ``critical``, ``warning`` or ``resolved``; keyed by the alert rule.
- Generic JSON: the integration's ``field_mapping`` names dotted paths.

Fields a sender adds later are ignored. A payload of the wrong shape raises
:class:`BadPayload`, which the endpoint answers with a 400.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from alerts.choices import Kind

FIRING, RESOLVED = "firing", "resolved"
ZERO_TIME = "0001-01-01T00:00:00Z"
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.\-]+)\}")


class BadPayload(ValueError):
    """The body is JSON but not the sender's shape."""


@dataclass
class Alert:
    fingerprint: str
    status: str
    title: str
    description: str = ""
    labels: dict = field(default_factory=dict)
    payload: dict = field(default_factory=dict)
    starts_at: datetime | None = None


def _when(value) -> datetime | None:
    if not isinstance(value, str) or value == ZERO_TIME:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value, limit: int = 200) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(str(value).split())[:limit]


def _labels(value) -> dict[str, str]:
    return {str(k): _text(v, 500) for k, v in _dict(value).items()}


def _label_fingerprint(labels: dict) -> str:
    canonical = json.dumps(labels, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _alert_list(payload: dict) -> list:
    alerts = payload.get("alerts")
    if not isinstance(alerts, list) or not all(isinstance(a, dict) for a in alerts):
        raise BadPayload("alerts must be a list of objects")
    return alerts


def _status(value) -> str | None:
    value = str(value or "").lower()
    return value if value in (FIRING, RESOLVED) else None


def _group_alert(item: dict, group_status: str | None, now: datetime) -> Alert:
    labels = _labels(item.get("labels"))
    annotations = _labels(item.get("annotations"))
    status = _status(item.get("status"))
    if status is None:
        ended = _when(item.get("endsAt"))
        status = RESOLVED if ended is not None and ended <= now else (group_status or FIRING)
    return Alert(
        fingerprint=_text(item.get("fingerprint"), 255) or _label_fingerprint(labels),
        status=status,
        title=annotations.get("summary") or labels.get("alertname") or "Alert",
        description=annotations.get("description", ""),
        labels=labels,
        payload=item,
        starts_at=_when(item.get("startsAt")),
    )


def without_nul(value):
    """The payload with NUL characters dropped from every string (PostgreSQL stores none)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


def count(kind: str, payload, mapping: dict) -> int:
    """How many alerts a delivery carries (checked against the batch cap)."""
    if not isinstance(payload, dict):
        raise BadPayload("the body must be a JSON object")
    if kind in (Kind.ALERTMANAGER, Kind.GRAFANA):
        return len(_alert_list(payload))
    if kind == Kind.GENERIC and mapping.get("alerts"):
        found = dig(payload, mapping["alerts"])
        return len(found) if isinstance(found, list) else 1
    return 1


def parse(kind: str, payload, *, mapping: dict | None = None, headers: dict | None = None):
    """The alerts of one delivery, in order."""
    if not isinstance(payload, dict):
        raise BadPayload("the body must be a JSON object")
    now = timezone.now()
    if kind in (Kind.ALERTMANAGER, Kind.GRAFANA):
        group_status = _status(payload.get("status"))
        return [_group_alert(item, group_status, now) for item in _alert_list(payload)]
    if kind == Kind.SENTRY:
        return _sentry(payload, headers or {})
    return _generic(payload, mapping or {})


def _sentry(payload: dict, headers: dict) -> list[Alert]:
    resource = headers.get("Sentry-Hook-Resource", "metric_alert")
    if resource != "metric_alert":
        return []  # installation and other resources carry no alert
    data = _dict(payload.get("data"))
    incident = _dict(data.get("metric_alert"))
    rule = _dict(incident.get("alert_rule"))
    action = str(payload.get("action") or "").lower()
    if action not in ("critical", "warning", "resolved") or not incident:
        raise BadPayload("a metric_alert needs action and data.metric_alert")
    key = _text(rule.get("id") or incident.get("id") or rule.get("name"), 255)
    labels = {
        "severity": action,
        "alert_rule": _text(rule.get("name")),
        "organization_id": _text(incident.get("organization_id")),
    }
    return [
        Alert(
            fingerprint=key or _label_fingerprint(labels),
            status=RESOLVED if action == "resolved" else FIRING,
            title=_text(data.get("description_title")) or labels["alert_rule"] or "Sentry alert",
            description=_text(data.get("description_text"), 2000),
            labels=labels,
            payload=payload,
            starts_at=_when(incident.get("date_started")),
        )
    ]


def dig(payload, path: str):
    """The value at a dotted path (``data.alert.id``), or None."""
    value = payload
    for part in str(path).split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _generic(payload: dict, mapping: dict) -> list[Alert]:
    items = dig(payload, mapping["alerts"]) if mapping.get("alerts") else [payload]
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BadPayload("the mapped alerts must be a list of objects")
    resolved = {str(v).lower() for v in mapping.get("resolved_values", ["resolved", "ok"])}
    alerts = []
    for item in items:
        labels = _labels(dig(item, mapping.get("labels", "labels")))
        status = str(dig(item, mapping.get("status", "status")) or "").lower()
        key = _text(dig(item, mapping.get("key", "id")), 255)
        alerts.append(
            Alert(
                fingerprint=key or _label_fingerprint(labels),
                status=RESOLVED if status in resolved else FIRING,
                title=_text(dig(item, mapping.get("title", "title"))) or "Alert",
                description=_text(dig(item, mapping.get("description", "description")), 2000),
                labels=labels,
                payload=item,
            )
        )
    return alerts


def grouping_key(template: str, alert: Alert) -> str:
    """The sender's fingerprint, or the integration's template filled from the labels."""
    if not template:
        key = alert.fingerprint
    else:
        key = _PLACEHOLDER.sub(lambda m: alert.labels.get(m.group(1), ""), template)
    if len(key) > 255:
        return hashlib.sha256(key.encode()).hexdigest()
    return key


def urgency_for(mapping: dict, alert: Alert, default: str) -> str:
    """The first ``label=value`` of the mapping the alert carries, else the default."""
    for rule, urgency in _dict(mapping).items():
        name, _, value = str(rule).partition("=")
        if alert.labels.get(name) == value:
            return str(urgency)
    return default
