"""The CAB agenda: normal changes awaiting authorisation for a meeting, with risk,
schedule, conflicts and approvals progress; staff only; constant queries."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from changes import services
from changes.tests.factories import make_change, setup
from changes.tests.test_lists import awaiting
from changes.views import next_meeting
from itsm.testing.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

URL = reverse("changes:cab_agenda")
BUDGET = 6  # session, user, roles, the changes with progress, services, items


@pytest.fixture
def users():
    return setup()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_next_meeting_is_the_cab_weekday_on_or_after_today(settings):
    settings.CHANGE_CAB_WEEKDAY = 3
    monday = timezone.datetime(2026, 11, 30).date()
    assert next_meeting(monday).isoformat() == "2026-12-03"
    assert next_meeting(monday + timedelta(days=3)) == monday + timedelta(days=3)


def test_the_agenda_lists_changes_awaiting_authorisation_with_risk_and_conflicts(users):
    first, second = awaiting(users, 2)
    draft = make_change(requested_by=users["chris"])
    later = make_change(requested_by=users["chris"], days=60)
    services.change_transition(change_id=later.pk, name="submit", actor=users["chris"])
    services.change_transition(
        change_id=later.pk, name="request_authorisation", actor=users["chris"], acknowledgement="x"
    )
    today = timezone.localdate().isoformat()
    page = client_for(users["alex"]).get(URL, {"meeting": today})
    body = page.content.decode()
    assert page.status_code == 200
    assert first.number in body and second.number in body
    assert draft.number not in body and later.number not in body
    assert "same configuration item" in body
    assert "1 of 2 on the waiting step" in body
    assert "score" in body and "Medium" in body
    far = (timezone.localdate() + timedelta(days=90)).isoformat()
    assert later.number in client_for(users["alex"]).get(URL, {"until": far}).content.decode()


def test_the_agenda_is_printable(users):
    page = client_for(users["sam"]).get(URL)
    assert page.status_code == 200
    assert b"changes/changes.css" in page.content and b'class="no-print' in page.content


@pytest.mark.parametrize(
    "query",
    [
        {"meeting": "nonsense"},
        {"meeting": "2026-12-10", "until": "2026-12-01"},
        {"until": "0001-01-01"},
    ],
)
def test_bad_dates_are_a_clear_400(users, query):
    page = client_for(users["sam"]).get(URL, query)
    assert page.status_code == 400
    assert b"Choose valid dates" in page.content


def test_employees_get_a_404(users):
    assert client_for(users["emma"]).get(URL).status_code == 404


def test_agenda_query_count_does_not_grow_with_changes(users):
    client = client_for(users["sam"])

    def show():
        assert client.get(URL).status_code == 200

    count = assert_constant_queries(lambda n: awaiting(users, n), show)
    assert count <= BUDGET, count
