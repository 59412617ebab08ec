"""The shared calendar-feed machinery: addresses issued once and stored as hashes,
replaced and revoked, the public address answering text/calendar or 404."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from itsm import feeds
from itsm.models import FeedToken
from itsm.testing.ical import assert_valid_ical
from itsm.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _build(user):
    event = icalendar.Event()
    event.add("uid", feeds.uid("thing", user.pk))
    event.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
    event.add("dtstart", datetime(2026, 1, 2, 9, tzinfo=UTC))
    event.add("dtend", datetime(2026, 1, 2, 10, tzinfo=UTC))
    event.add("summary", f"Für {user.username}: " + "ünïcødé wörds and a long title " * 5)
    return [event]


@pytest.fixture
def feed():
    registered = feeds.register_feed(
        "test-things", "Test things", _build, lambda user: user.username != "outsider"
    )
    yield registered
    feeds._FEEDS.pop("test-things")


def _path(url: str) -> str:
    return urlsplit(url).path


def test_a_feed_kind_must_be_a_slug():
    with pytest.raises(ValueError):
        feeds.register_feed("Not a slug", "x", _build, lambda user: True)


def test_an_issued_address_serves_a_valid_calendar_and_notes_its_use(feed):
    user = UserFactory(username="fiona")
    secret = feeds.feed_issue(user=user, kind="test-things")
    token = FeedToken.objects.get(user=user)
    assert token.secret_hash == feeds.secret_hash(secret) and secret not in token.secret_hash
    response = Client().get(_path(feeds.feed_url("test-things", secret)))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    calendar = assert_valid_ical(response.content)
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [f"thing-{user.pk}@127.0.0.1"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_address_is_a_404(feed):
    user = UserFactory(username="fiona")
    secret = feeds.feed_issue(user=user, kind="test-things")
    url = _path(feeds.feed_url("test-things", secret))
    assert feeds.feed_revoke(user=user, kind="test-things") is True
    assert Client().get(url).status_code == 404
    assert feeds.feed_revoke(user=user, kind="test-things") is False


def test_a_new_address_replaces_the_old_one(feed):
    user = UserFactory(username="fiona")
    old = feeds.feed_issue(user=user, kind="test-things")
    new = feeds.feed_issue(user=user, kind="test-things")
    assert Client().get(_path(feeds.feed_url("test-things", old))).status_code == 404
    assert Client().get(_path(feeds.feed_url("test-things", new))).status_code == 200
    assert FeedToken.objects.filter(user=user, revoked_at__isnull=True).count() == 1
    # Issued, revoked, issued again, and the new address's first fetch.
    assert FeedToken.history.filter(user=user).count() == 4


def test_a_fetch_is_noted_once_an_hour(feed):
    user = UserFactory(username="fiona")
    path = _path(feeds.feed_url("test-things", feeds.feed_issue(user=user, kind="test-things")))

    for _ in range(3):
        assert Client().get(path).status_code == 200

    token = FeedToken.objects.get(user=user)
    assert token.last_used_at is not None
    noted = FeedToken.history.filter(id=token.pk, history_change_reason="feed fetched")
    assert noted.count() == 1


@pytest.mark.parametrize("path", ["/feeds/test-things/nonsense.ics", "/feeds/unknown/nonsense.ics"])
def test_unknown_addresses_are_a_404(feed, path):
    assert Client().get(path).status_code == 404


def test_an_address_of_someone_no_longer_allowed_or_inactive_is_a_404(feed):
    user = UserFactory(username="fiona")
    secret = feeds.feed_issue(user=user, kind="test-things")
    url = _path(feeds.feed_url("test-things", secret))
    user.is_active = False
    user.save()
    assert Client().get(url).status_code == 404


def test_only_people_the_feed_is_for_may_have_an_address(feed):
    from itsm.errors import Refused

    with pytest.raises(Refused):
        feeds.feed_issue(user=UserFactory(username="outsider"), kind="test-things")


def test_the_portal_page_shows_the_address_once_and_revokes_it(feed):
    user = UserFactory(username="fiona")
    client = Client()
    client.force_login(user)
    url = reverse("portal:feeds")
    assert b"Get an address for Test things" in client.get(url).content
    issued = client.post(url, {"kind": "test-things", "action": "issue"})
    assert issued.status_code == 200 and "no-store" in issued["Cache-Control"]
    token = FeedToken.objects.get(user=user, revoked_at__isnull=True)
    shown = [
        word.split('"')[0]
        for word in issued.content.decode().split('value="')[1:]
        if "/feeds/" in word
    ]
    assert len(shown) == 1 and feeds.secret_hash(shown[0].rsplit("/", 1)[1][:-4]) == (
        token.secret_hash
    )
    again = client.get(url).content.decode()
    assert shown[0] not in again and "Revoke the address for Test things" in again
    revoked = client.post(url, {"kind": "test-things", "action": "revoke"})
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"kind": "test-things", "action": "explode"}, 400),
        ({"kind": "nope", "action": "issue"}, 404),
        ({"action": "issue"}, 404),
    ],
)
def test_bad_posts_are_refused_cleanly(feed, data, status):
    client = Client()
    client.force_login(UserFactory(username="fiona"))
    assert client.post(reverse("portal:feeds"), data).status_code == status
    assert not FeedToken.objects.exists()


def test_someone_the_feed_is_not_for_cannot_issue_one_from_the_page(feed):
    client = Client()
    client.force_login(UserFactory(username="outsider"))
    page = client.get(reverse("portal:feeds"))
    assert b"No calendar feeds are available to you." in page.content
    assert (
        client.post(reverse("portal:feeds"), {"kind": "test-things", "action": "issue"}).status_code
        == 404
    )
