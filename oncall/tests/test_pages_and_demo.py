"""The admin "who is on call" view, the portal board, events and the demo data."""

import pytest
from django.test import Client

from itsm.demo import load_demo
from itsm.events import dispatch, listen, listeners_for
from oncall.models import ChatWebhook, EscalationPolicy, Override, Schedule
from oncall.tests.factories import network_on_call

pytestmark = pytest.mark.django_db


def test_the_admin_shows_who_is_on_call_now_and_next(people):
    schedule, *_ = network_on_call(people)
    client = Client()
    client.force_login(people["admin"])
    response = client.get(f"/admin/oncall/schedule/{schedule.pk}/on-call/")
    assert response.status_code == 200
    assert b"On call now" in response.content and b"next 7 days" in response.content
    assert client.get("/admin/oncall/schedule/999999/on-call/").status_code == 404
    employee = Client()
    employee.force_login(people["emma"])
    assert employee.get(f"/admin/oncall/schedule/{schedule.pk}/on-call/").status_code == 302


def test_the_portal_board_shows_groups_and_my_shifts(people):
    network_on_call(people)
    client = Client()
    client.force_login(people["ravi"])
    response = client.get("/portal/oncall/")
    assert response.status_code == 200
    assert b"Network Operations" in response.content and b"My shifts" in response.content


def test_a_failing_listener_does_not_stop_the_others(caplog):
    calls = []

    def broken(**kwargs):
        raise RuntimeError("boom")

    listen("tests.thing", "made", broken)
    listen("tests.thing", "made", lambda **kwargs: calls.append(kwargs))
    listen("tests.thing", "made", broken)  # once only
    assert len(listeners_for("tests.thing", "made")) == 2
    dispatch("tests.thing", 1, "made", "thing:1:made:v1", {})
    assert calls == [
        {"record_id": 1, "event": "made", "key": "thing:1:made:v1", "extra": {}, "record": None}
    ]
    assert "boom" in caplog.text


def test_demo_data_loads_twice_without_duplicates():
    load_demo()
    counts = [m.objects.count() for m in (Schedule, Override, EscalationPolicy, ChatWebhook)]
    load_demo()
    assert [m.objects.count() for m in (Schedule, Override, EscalationPolicy, ChatWebhook)] == (
        counts
    )
    assert counts[0] == 2 and counts[2] == 1
