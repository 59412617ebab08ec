"""The ``changes`` calendar feed: valid RFC 5545 checked with a strict parser, cancelled
changes marked cancelled, freezes included, staff only, revocable, constant queries."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from changes import services
from changes.models import FreezeWindow
from changes.tests.factories import make_change, setup, window
from changes.tests.test_lists import awaiting
from itsm import feeds
from itsm.testing.ical import assert_valid_ical
from itsm.testing.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

BUDGET = 5  # token and person, roles, changes with their people, freezes, their services


@pytest.fixture
def users():
    return setup()


def _get(user):
    secret = feeds.feed_issue(user=user, kind="changes")
    return urlsplit(feeds.feed_url("changes", secret)).path


def _events(url):
    response = Client().get(url)
    assert response.status_code == 200
    calendar = assert_valid_ical(response.content)
    return {str(e["SUMMARY"]).split()[0]: e for e in calendar.walk("VEVENT")}


def test_the_feed_lists_scheduled_and_cancelled_changes_and_freezes(users):
    chris = users["chris"]
    pending = awaiting(users, 2)[1]
    long_title = "Änderung der Datenbank-Replikation über alle Rechenzentren " * 3
    cancelled = make_change(requested_by=chris, title=long_title[:200], days=20)
    services.change_transition(change_id=cancelled.pk, name="submit", actor=chris)
    services.change_transition(
        change_id=cancelled.pk, name="cancel", actor=chris, reason="Not needed after all."
    )
    draft = make_change(requested_by=chris, days=21)
    start, _ = window(30)
    FreezeWindow.objects.create(
        name="Quarter end", starts_at=start, ends_at=start + timedelta(days=2)
    )

    events = _events(_get(users["sam"]))

    assert draft.number not in events
    assert str(events[pending.number]["STATUS"]) == "TENTATIVE"
    assert str(events[cancelled.number]["STATUS"]) == "CANCELLED"
    assert events[pending.number].decoded("DTSTART") == pending.planned_start
    assert events[pending.number].to_ical().count(b"DTSTART:") == 1
    assert b"Z\r\n" in events[pending.number]["DTSTART"].to_ical() + b"\r\n"
    assert str(events[pending.number]["UID"]).startswith(f"change-{pending.pk}@")
    assert "Conflict" in str(events[pending.number]["DESCRIPTION"])
    assert "Change freeze: Quarter end" in {str(e["SUMMARY"]) for e in events.values()}


def test_a_rescheduled_change_keeps_its_uid_with_a_higher_sequence(users):
    change = make_change(requested_by=users["chris"])
    services.change_transition(change_id=change.pk, name="submit", actor=users["chris"])
    services.change_transition(
        change_id=change.pk, name="request_authorisation", actor=users["chris"]
    )
    url = _get(users["sam"])
    before = _events(url)[change.number]
    start, end = window(9)
    services.change_update(
        change_id=change.pk,
        actor=users["chris"],
        changes={"planned_start": start, "planned_end": end},
    )
    services.change_transition(
        change_id=change.pk, name="request_authorisation", actor=users["chris"]
    )
    after = _events(url)[change.number]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") == start


def test_a_revoked_changes_feed_address_is_a_404(users):
    url = _get(users["alex"])
    assert Client().get(url).status_code == 200
    feeds.feed_revoke(user=users["alex"], kind="changes")
    assert Client().get(url).status_code == 404


def test_employees_have_no_changes_feed(users):
    assert [f.kind for f in feeds.feeds_for(users["emma"])] == []
    assert "changes" in [f.kind for f in feeds.feeds_for(users["sam"])]


def test_the_feed_query_count_does_not_grow_with_changes(users):
    url = _get(users["sam"])

    def make_rows(n):
        awaiting(users, n)
        FreezeWindow.objects.create(
            name=f"Freeze {n}",
            starts_at=timezone.now() + timedelta(days=60 + n),
            ends_at=timezone.now() + timedelta(days=61 + n),
        )

    _events(url)  # the first fetch also notes the use (once an hour)
    count = assert_constant_queries(make_rows, lambda: _events(url))
    assert count == BUDGET, count
