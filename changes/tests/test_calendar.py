"""The change calendar in the portal: month and week views, freeze windows, staff only,
bad input answered 400, and a query count that does not grow with the changes."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from changes import calendar
from changes.models import FreezeWindow
from changes.tests.factories import make_change, setup, window
from changes.tests.test_lists import awaiting
from itsm.testing.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

URL = reverse("changes:calendar")
BUDGET = 6  # per page: session, user, roles, changes, freezes, their services


@pytest.fixture
def users():
    return setup()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_month_starts_on_monday_and_covers_whole_weeks():
    period = calendar.period_for("month", timezone.datetime(2026, 12, 17).date())
    assert period.first.isoformat() == "2026-11-30"
    assert period.last.isoformat() == "2027-01-03"
    assert period.days % 7 == 0
    assert period.previous.isoformat() == "2026-11-01"
    assert period.following.isoformat() == "2027-01-01"


def test_a_week_starts_on_monday():
    period = calendar.period_for("week", timezone.datetime(2026, 12, 17).date())
    assert (period.first.isoformat(), period.days) == ("2026-12-14", 7)
    assert period.following.isoformat() == "2026-12-21"


def test_the_month_shows_changes_holding_a_window_and_freezes(users):
    shown = awaiting(users, 1)[0]
    draft = make_change(requested_by=users["chris"], title="Still a draft")
    FreezeWindow.objects.create(
        name="Year-end freeze",
        starts_at=shown.planned_start - timedelta(days=1),
        ends_at=shown.planned_start + timedelta(days=1),
    )
    day = shown.planned_start.date().isoformat()
    page = client_for(users["sam"]).get(URL, {"date": day})
    assert page.status_code == 200
    body = page.content.decode()
    assert shown.number in body
    assert draft.number not in body
    assert "Freeze: Year-end freeze" in body
    assert "Conflict" in body or not shown.conflicts


def test_the_week_view_shows_details_and_links_to_the_other_view(users):
    shown = awaiting(users, 2)[1]
    page = client_for(users["alex"]).get(
        URL, {"view": "week", "date": shown.planned_start.date().isoformat()}
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert shown.number in body and "same configuration item" in body
    assert "Month view" in body and "Next week" in body


def test_the_type_filter_narrows_the_changes(users):
    shown = awaiting(users, 1)[0]
    day = shown.planned_start.date().isoformat()
    page = client_for(users["sam"]).get(URL, {"date": day, "type": "emergency"})
    assert page.status_code == 200
    assert shown.number not in page.content.decode()


@pytest.mark.parametrize(
    "query", [{"view": "year"}, {"date": "2026-13-01"}, {"date": "0001-01-01"}, {"type": "x"}]
)
def test_bad_input_is_a_clear_400(users, query):
    page = client_for(users["sam"]).get(URL, query)
    assert page.status_code == 400
    assert b"Choose a month or week view" in page.content


def test_the_last_month_there_is_can_be_shown(users):
    assert client_for(users["sam"]).get(URL, {"date": "2999-12-31"}).status_code == 200


def test_employees_get_a_404(users):
    assert client_for(users["emma"]).get(URL).status_code == 404


def test_anonymous_people_are_sent_to_sign_in():
    assert Client().get(URL).status_code == 302


def test_calendar_query_count_does_not_grow_with_changes(users):
    client = client_for(users["sam"])
    start, _end = window(7, start_hour=0)
    day = start.date().isoformat()

    def make_rows(n):
        awaiting(users, n)
        FreezeWindow.objects.create(
            name=f"Freeze {n}", starts_at=start, ends_at=start + timedelta(hours=12)
        )

    def show():
        for view in ("month", "week"):
            response = client.get(URL, {"date": day, "view": view})
            assert response.status_code == 200

    count = assert_constant_queries(make_rows, show)
    assert count == 2 * BUDGET, count
