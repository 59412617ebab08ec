"""Query budgets of the on-call lists: counts do not grow with rows, and are pinned."""

import itertools
from datetime import date, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from itsm.models import Team
from itsm.testing.queries import assert_constant_queries
from oncall import services
from oncall.models import Override, Rotation, RotationMember, Schedule
from oncall.tests.factories import assigned_incident, network_on_call

pytestmark = pytest.mark.django_db

BUDGETS = {"schedule-list": 9, "on-call-now": 8, "page-list": 6, "board": 12}
_numbers = itertools.count(1)


def logged_in(user, api=True):
    client = APIClient() if api else Client()
    client.force_login(user)
    return client


def schedules(people, count):
    """``count`` groups with a schedule: two rotations of two people, an override each."""
    for _ in range(count):
        n = next(_numbers)
        team = Team.objects.create(name=f"Group {n}")
        schedule = Schedule.objects.create(team=team, name=f"Group {n} on call")
        for position in range(2):
            rotation = Rotation.objects.create(
                schedule=schedule,
                position=position,
                name=f"R{position}",
                starts_on=date(2026, 1, 1),
                handoff_time=time(9),
                shift_length=1,
                time_zone="Europe/Berlin",
            )
            for index, name in enumerate(["ravi", "nina"]):
                RotationMember.objects.create(rotation=rotation, user=people[name], position=index)
            now = timezone.now()
            Override.objects.create(
                rotation=rotation,
                user=people["dana"],
                starts_at=now,
                ends_at=now + timedelta(days=1),
            )


def pages(people, count):
    """``count`` pages, acknowledged half of the time."""
    for n in range(count):
        page = services.page_incident(incident_id=assigned_incident(people).pk)
        if n % 2:
            services.page_acknowledge(page_id=page.pk, actor=people["ravi"], via="api")


def _get(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200, response.content[:300]


def test_api_schedule_list(people):
    client = logged_in(people["sam"])
    count = assert_constant(lambda n: schedules(people, n), client, "/api/v1/oncall/schedules/")
    assert count <= BUDGETS["schedule-list"]


def test_api_on_call_now(people):
    client = logged_in(people["sam"])
    count = assert_constant(lambda n: schedules(people, n), client, "/api/v1/oncall/now/")
    assert count <= BUDGETS["on-call-now"]


def test_api_page_list(people):
    network_on_call(people)
    client = logged_in(people["sam"])
    count = assert_constant(lambda n: pages(people, n), client, "/api/v1/oncall/pages/")
    assert count <= BUDGETS["page-list"]


def test_portal_board(people):
    network_on_call(people)
    client = logged_in(people["ravi"], api=False)

    def rows(n):
        schedules(people, n)
        for _ in range(n):
            services.page_incident(incident_id=assigned_incident(people).pk)

    count = assert_constant(rows, client, "/portal/oncall/")
    assert count <= BUDGETS["board"]


def assert_constant(make_rows, client, url):
    query = {"page_size": 100} if url.startswith("/api/") else {}
    return assert_constant_queries(make_rows, lambda: _get(client, url, **query), small=2, large=6)
