"""Signed single-use acknowledgement links: the signature proves the page, the page's
``link_nonce`` (cleared when used) makes the link single-use."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "oncall.page.acknowledge"


def ack_token(page) -> str:
    return signing.dumps({"page": page.pk, "nonce": page.link_nonce}, salt=SALT, compress=True)


def read_token(token: str) -> dict | None:
    """The page id and nonce of a valid, unexpired token; None otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.ONCALL_ACK_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("page"), int):
        return None
    if not isinstance(data.get("nonce"), str) or not data["nonce"]:
        return None
    return data


def ack_url(page) -> str:
    path = reverse("oncall:acknowledge-link", args=[ack_token(page)])
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def incident_url(incident) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + incident.get_absolute_url()
