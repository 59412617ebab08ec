"""Calendar feeds (RFC 5545): a person's secret addresses their calendar app subscribes to.

A record app registers a feed from its ``AppConfig.ready``::

    register_feed("shifts", "My on-call shifts", build, visible_to)

``build(user)`` returns the ``icalendar.Event`` list for that person (with UID, DTSTAMP
and DTSTART; times aware); ``visible_to(user)`` says who may have the feed. This module
wraps the events in a calendar, issues and revokes the addresses and serves them.

An address is ``/feeds/<kind>/<secret>.ics``. The secret is shown once, when issued; only
its SHA-256 is stored (``itsm.models.FeedToken``), so a lookup by hash reveals nothing a
timing attack could use. Issuing a new address revokes the old one; a revoked or unknown
address, a person no longer active or no longer allowed the feed all get a 404.
"""

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from itsm.audit import record_change
from itsm.errors import Refused
from itsm.models import FeedToken

KIND = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
SECRET_BYTES = 32


@dataclass(frozen=True)
class Feed:
    kind: str
    title: str
    build: Callable
    visible_to: Callable


_FEEDS: dict[str, Feed] = {}


def register_feed(kind: str, title: str, build: Callable, visible_to: Callable) -> Feed:
    """Register the feed ``kind`` (a slug of at most 30 characters)."""
    if not KIND.match(kind):
        raise ValueError(f"A feed kind is a lowercase slug of 1 to 30 characters: {kind!r}")
    feed = Feed(kind, title, build, visible_to)
    _FEEDS[kind] = feed
    return feed


def feed_named(kind: str) -> Feed | None:
    return _FEEDS.get(kind)


def feeds_for(user) -> list[Feed]:
    """The feeds ``user`` may subscribe to, by title."""
    return sorted((f for f in _FEEDS.values() if f.visible_to(user)), key=lambda f: f.title)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_url(kind: str, secret: str) -> str:
    path = reverse("feed", kwargs={"kind": kind, "secret": secret})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def live_tokens(user) -> dict[str, FeedToken]:
    """The user's live addresses by kind (one query)."""
    return {t.kind: t for t in FeedToken.objects.filter(user=user, revoked_at__isnull=True)}


def _allowed(user, kind: str) -> Feed:
    feed = _FEEDS.get(kind)
    if feed is None or not feed.visible_to(user):
        raise Refused("not_permitted", "There is no such feed for you.")
    return feed


def _lock_person(user) -> None:
    # Serialises one person's issue and revoke, so two at once cannot both leave a live
    # address (the one-live-token constraint would answer the second with an error).
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _revoke(user, kind: str, reason: str) -> bool:
    now = timezone.now()
    revoked = False
    for token in FeedToken.objects.filter(user=user, kind=kind, revoked_at__isnull=True):
        token.revoked_at = now
        record_change(token, user, reason)
        token.save(update_fields=["revoked_at"])
        revoked = True
    return revoked


@transaction.atomic
def feed_issue(*, user, kind: str) -> str:
    """Issue ``user`` a new address for ``kind`` (revoking the old one); return the secret.

    The secret is not stored: this is the only time anyone sees it.
    """
    _allowed(user, kind)
    _lock_person(user)
    _revoke(user, kind, f"{kind} feed address replaced")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    token = FeedToken(user=user, kind=kind, secret_hash=secret_hash(secret))
    record_change(token, user, f"{kind} feed address issued")
    token.save()
    return secret


@transaction.atomic
def feed_revoke(*, user, kind: str) -> bool:
    """Revoke ``user``'s address for ``kind``; say whether there was one."""
    _lock_person(user)
    return _revoke(user, kind, f"{kind} feed address revoked")


def token_for(kind: str, secret: str) -> FeedToken | None:
    """The live token of an active person behind ``secret``, or None."""
    token = (
        FeedToken.objects.select_related("user")
        .filter(kind=kind, secret_hash=secret_hash(secret), revoked_at__isnull=True)
        .first()
    )
    feed = _FEEDS.get(kind)
    if token is None or feed is None or not token.user.is_active:
        return None
    return token if feed.visible_to(token.user) else None


USE_NOTED_EVERY = timedelta(hours=1)


def feed_used(token: FeedToken) -> None:
    """Note when the address was last fetched, at most once an hour (calendar apps poll):
    each noted use is a history row, so a leaked address shows who fetched it and when."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < USE_NOTED_EVERY:
        return
    token.last_used_at = now
    record_change(token, token.user, "feed fetched")
    token.save(update_fields=["last_used_at"])


def uid(name: str, pk) -> str:
    """A globally unique, stable event UID: ``<name>-<pk>@<portal host>``."""
    host = urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    return f"{name}-{pk}@{host}"


def render_feed(kind: str, user) -> bytes:
    """The RFC 5545 calendar of ``kind`` for ``user`` (CRLF lines folded at 75 octets)."""
    feed = _FEEDS[kind]
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//IT Service Portal//{kind} feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", feed.title)
    for event in feed.build(user):
        cal.add_component(event)
    return cal.to_ical()
