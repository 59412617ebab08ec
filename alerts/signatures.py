"""Each sender's own way of proving who it is, compared in constant time.

- Alertmanager and generic JSON: ``Authorization: Bearer <secret>``, or basic auth with
  the integration's user name and the secret as password.
- Grafana: ``X-Grafana-Alerting-Signature`` is the hex HMAC-SHA256 of the body with the
  secret; with a timestamp header configured, of ``<timestamp>:<body>``, and the timestamp
  must be at most ``max_age_seconds`` old (or ahead).
- Sentry: ``Sentry-Hook-Signature`` is the hex HMAC-SHA256 of the body with the client
  secret; ``Sentry-Hook-Timestamp``, when sent, must be recent too.
"""

import base64
import binascii
import hashlib
import hmac
import time

from alerts.choices import Kind

GRAFANA_SIGNATURE = "X-Grafana-Alerting-Signature"
SENTRY_SIGNATURE = "Sentry-Hook-Signature"
SENTRY_TIMESTAMP = "Sentry-Hook-Timestamp"


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())


def sign(secret: str, body: bytes, timestamp: str | None = None) -> str:
    """The hex HMAC-SHA256 the senders compute (``timestamp:body`` when timestamped)."""
    message = body if timestamp is None else timestamp.encode() + b":" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _fresh(timestamp: str, max_age: int) -> bool:
    try:
        sent = float(timestamp)
    except ValueError:
        return False
    if sent > 1e11:  # milliseconds
        sent /= 1000
    return abs(time.time() - sent) <= max_age


def _authorization(integration, header: str) -> bool:
    scheme, _, credentials = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return _same(credentials.strip(), integration.secret)
    if scheme == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, sep, password = decoded.partition(":")
        user_ok = _same(user, integration.basic_username or user)
        return bool(sep) & user_ok & _same(password, integration.secret)
    return False


def _hmac(integration, body: bytes, headers, signature_header: str, timestamp_header: str):
    signature = headers.get(signature_header, "")
    if not signature:
        return False
    timestamp = headers.get(timestamp_header) if timestamp_header else None
    if timestamp_header and (not timestamp or not _fresh(timestamp, integration.max_age_seconds)):
        return False
    if signature.lower().startswith("sha256="):
        signature = signature[7:]
    return _same(signature.lower(), sign(integration.secret, body, timestamp))


def authentic(integration, body: bytes, headers) -> bool:
    """Whether the delivery carries the integration's credential (``headers`` is
    case-insensitive, as Django's ``request.headers``)."""
    if integration.kind == Kind.GRAFANA:
        return _hmac(integration, body, headers, GRAFANA_SIGNATURE, integration.timestamp_header)
    if integration.kind == Kind.SENTRY:
        timestamp = headers.get(SENTRY_TIMESTAMP)
        if timestamp and not _fresh(timestamp, integration.max_age_seconds):
            return False
        return _hmac(integration, body, headers, SENTRY_SIGNATURE, "")
    return _authorization(integration, headers.get("Authorization", ""))
