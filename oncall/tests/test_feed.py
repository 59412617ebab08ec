"""The iCalendar events of a person's shifts (served by the calendar feed kit)."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
from django.test import Client

from itsm import feeds
from itsm.testing.clock import install_clock
from itsm.testing.ical import assert_valid_ical
from oncall.feed import HORIZON, shift_events
from oncall.models import Override
from oncall.tests.factories import NOON, network_on_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(people, monkeypatch):
    install_clock(monkeypatch, NOON)
    return network_on_call(people)


def test_a_person_gets_one_event_per_shift_in_utc(people, setup):
    events = shift_events(people["ravi"])
    starts = [event.decoded("dtstart") for event in events]
    assert starts == sorted(starts)
    assert all(NOON - timedelta(days=1) <= s <= NOON + HORIZON for s in starts)
    first = events[0]
    assert first.decoded("dtstart") == datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert first.decoded("dtend") == datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert str(first["summary"]).startswith("On call: Network Operations")
    # Daily turns in two rotations over ~61 days: about one shift a day.
    assert 55 <= len(events) <= 65


def test_uids_are_stable_and_unique(people, setup):
    first = [str(e["uid"]) for e in shift_events(people["ravi"])]
    again = [str(e["uid"]) for e in shift_events(people["ravi"])]
    assert first == again and len(set(first)) == len(first)


def test_an_override_moves_the_shift_and_is_marked(people, setup):
    _schedule, primary, _secondary = setup
    Override.objects.create(
        rotation=primary,
        user=people["hana"],
        replaces=people["ravi"],
        starts_at=NOON,
        ends_at=NOON + timedelta(hours=2),
    )
    (covered,) = [e for e in shift_events(people["hana"])]
    assert covered.decoded("dtstart") == NOON and "(override)" in str(covered["summary"])
    ravi = shift_events(people["ravi"])
    assert any(e.decoded("dtend") == NOON for e in ravi)


def test_the_events_make_a_valid_calendar(people, setup):
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//itsm//oncall//EN")
    calendar.add("version", "2.0")
    for event in shift_events(people["nina"]):
        calendar.add_component(event)
    parsed = icalendar.Calendar.from_ical(calendar.to_ical())
    assert len(parsed.walk("VEVENT")) == len(shift_events(people["nina"]))


def test_someone_without_shifts_gets_none(people, setup):
    assert shift_events(people["emma"]) == []


def test_the_shifts_feed_is_served_at_a_secret_address_to_staff_only(people, setup):
    url = urlsplit(feeds.feed_url("shifts", feeds.feed_issue(user=people["ravi"], kind="shifts")))
    calendar = assert_valid_ical(Client().get(url.path).content)
    assert len(calendar.walk("VEVENT")) == len(shift_events(people["ravi"]))
    assert "shifts" not in [feed.kind for feed in feeds.feeds_for(people["emma"])]
