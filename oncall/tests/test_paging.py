"""Paging follows the incident; escalation with a moved clock; acknowledgement everywhere."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from incidents import services as incident_services
from incidents.models import Incident
from itsm.choices import Level
from itsm.errors import Refused
from itsm.models import Team
from itsm.testing.clock import install_clock
from oncall import services
from oncall.choices import AckVia
from oncall.links import ack_token
from oncall.models import Page, Schedule
from oncall.tests.factories import NOON, assigned_incident, network_on_call, rotation

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    return install_clock(monkeypatch, NOON)


@pytest.fixture
def on_call(people):
    return network_on_call(people)


def pages_of(incident):
    return list(Page.objects.filter(incident=incident).order_by("cycle", "level"))


def test_a_p1_assigned_to_a_group_pages_its_on_call_after_commit(
    people, on_call, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = assigned_incident(people)
    pages = pages_of(incident)
    assert [(p.person.username, p.level, p.next_step_at) for p in pages] == [
        ("ravi", 0, NOON + timedelta(minutes=10))
    ]
    assert pages[0].deliveries.get().status == "sent"
    assert any("P1 page" in message.subject for message in mail.outbox)


def test_without_commit_nobody_is_paged(people, on_call, clock):
    with pytest.raises(RuntimeError), transaction.atomic():
        assigned_incident(people)
        raise RuntimeError
    assert not Page.objects.exists()


def test_a_p3_notifies_the_on_call_without_paging(
    people, on_call, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = assigned_incident(people, impact=Level.MEDIUM, urgency=Level.MEDIUM)
    assert incident.priority >= 3
    assert not Page.objects.exists()
    notices = [m for m in mail.outbox if "does not page" in m.body]
    assert [m.to for m in notices] == [["ravi@example.com"]]


def test_reassigning_to_another_group_pages_that_groups_on_call(
    people, on_call, clock, django_capture_on_commit_callbacks
):
    incident = assigned_incident(people)
    services.page_incident(incident_id=incident.pk)
    desk = Team.objects.get(name="Service Desk")
    rotation(Schedule.objects.create(team=desk, name="Desk"), 0, [people["dana"]])
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.incident_transition(
            incident_id=incident.pk, name="assign", actor=people["sam"], group=desk
        )
    assert [(p.team.name, p.person.username) for p in pages_of(incident)] == [
        ("Network Operations", "ravi"),
        ("Service Desk", "dana"),
    ]
    # The network chain stops escalating: its group no longer holds the incident.
    assert services.escalate_due(now=NOON + timedelta(hours=1)) == []


def test_paging_twice_for_the_same_group_pages_once(people, on_call, clock):
    incident = assigned_incident(people)
    assert services.page_incident(incident_id=incident.pk) is not None
    assert services.page_incident(incident_id=incident.pk) is None
    assert len(pages_of(incident)) == 1


def test_escalation_walks_the_levels_and_repeats_with_a_moved_clock(people, on_call, clock):
    incident = assigned_incident(people)
    services.page_incident(incident_id=incident.pk)
    assert services.escalate_due(now=NOON + timedelta(minutes=9)) == []
    for minutes in (10, 20, 35, 45, 55):
        assert len(services.escalate_due(now=NOON + timedelta(minutes=minutes))) == 1
    # One repeat: 2 rounds of 3 levels, then it stops.
    assert services.escalate_due(now=NOON + timedelta(days=1)) == []
    steps = [(p.cycle, p.level, p.person.username) for p in pages_of(incident)]
    assert steps == [
        (0, 0, "ravi"),
        (0, 1, "nina"),
        (0, 2, "nina"),
        (1, 0, "ravi"),
        (1, 1, "nina"),
        (1, 2, "nina"),
    ]
    assert pages_of(incident)[-1].next_step_at is None


def test_a_step_is_taken_once_however_often_the_job_runs(people, on_call, clock):
    incident = assigned_incident(people)
    first = services.page_incident(incident_id=incident.pk)
    later = NOON + timedelta(minutes=10)
    assert services.escalate_page(page_id=first.pk, now=later) is not None
    # A second worker (or a redelivered task) finds the step taken.
    assert services.escalate_page(page_id=first.pk, now=later) is None
    assert len(pages_of(incident)) == 2


def test_a_worker_dying_mid_step_leaves_the_step_to_be_retaken(people, on_call, clock, monkeypatch):
    from oncall.services import paging

    incident = assigned_incident(people)
    first = services.page_incident(incident_id=incident.pk)
    real = paging._page_from

    def crash(*args, **kwargs):
        real(*args, **kwargs)
        raise SystemExit("worker killed")

    monkeypatch.setattr(paging, "_page_from", crash)
    with pytest.raises(SystemExit):
        services.escalate_page(page_id=first.pk, now=NOON + timedelta(minutes=10))
    first.refresh_from_db()
    assert first.next_step_at is not None and len(pages_of(incident)) == 1
    monkeypatch.setattr(paging, "_page_from", real)
    assert services.escalate_due(now=NOON + timedelta(minutes=11))
    assert len(pages_of(incident)) == 2


def _escalated(people):
    incident = assigned_incident(people)
    services.page_incident(incident_id=incident.pk)
    services.escalate_due(now=NOON + timedelta(minutes=10))
    return incident, pages_of(incident)


def _ack_portal(people, page):
    client = Client()
    client.force_login(people["ravi"])
    response = client.post(f"/portal/oncall/pages/{page.pk}/acknowledge/")
    assert response.status_code == 302


def _ack_admin(people, page):
    client = Client()
    client.force_login(people["admin"])
    response = client.post(
        "/admin/oncall/page/", {"action": "acknowledge", "_selected_action": [page.pk]}
    )
    assert response.status_code == 302


def _ack_api(people, page):
    client = APIClient()
    client.force_authenticate(people["ravi"])
    response = client.post(f"/api/v1/oncall/pages/{page.pk}/acknowledge/")
    assert response.status_code == 200, response.content
    assert response.json()["acknowledged_via"] == "api"


def _ack_link(people, page):
    token = ack_token(page)
    client = Client()
    assert client.get(f"/portal/oncall/ack/{token}/").status_code == 200
    page.refresh_from_db()
    assert page.acknowledged_at is None  # a GET (a link preview) changes nothing
    assert client.post(f"/portal/oncall/ack/{token}/confirm/").status_code == 200
    # Single use: the same link again is refused, and changes nothing.
    assert client.post(f"/portal/oncall/ack/{token}/confirm/").status_code == 409


@pytest.mark.parametrize(
    ("how", "via"),
    [(_ack_portal, "portal"), (_ack_admin, "admin"), (_ack_api, "api"), (_ack_link, "link")],
)
def test_acknowledging_through_every_interface_stops_the_escalation(
    people, on_call, clock, how, via
):
    incident, pages = _escalated(people)
    clock.advance(minutes=12)
    how(people, pages[0])
    rows = pages_of(incident)
    assert {(p.acknowledged_via, p.next_step_at) for p in rows} == {(via, None)}
    assert rows[0].acknowledged_at == NOON + timedelta(minutes=12)
    assert services.escalate_due(now=NOON + timedelta(days=1)) == []
    assert len(pages_of(incident)) == 2
    # The acknowledgement is the incident's response for the SLA, through its service.
    incident.refresh_from_db()
    assert incident.responded_at == NOON + timedelta(minutes=12)
    assert incident.history.first().history_change_reason.startswith("on-call page acknowledged")


def test_acknowledging_twice_is_refused_and_changes_nothing(people, on_call, clock):
    incident, pages = _escalated(people)
    services.page_acknowledge(page_id=pages[1].pk, actor=people["nina"], via=AckVia.API)
    with pytest.raises(Refused) as refused:
        services.page_acknowledge(page_id=pages[0].pk, actor=people["ravi"], via=AckVia.API)
    assert refused.value.code == "page_acknowledged"
    assert {p.acknowledged_by.username for p in pages_of(incident)} == {"nina"}


def test_someone_outside_the_group_may_not_acknowledge(people, on_call, clock):
    incident, pages = _escalated(people)
    client = APIClient()
    client.force_authenticate(people["hana"])
    response = client.post(f"/api/v1/oncall/pages/{pages[0].pk}/acknowledge/")
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"


def test_employees_see_no_pages_and_no_board(people, on_call, clock):
    incident, pages = _escalated(people)
    client = APIClient()
    client.force_authenticate(people["emma"])
    assert client.get(f"/api/v1/oncall/pages/{pages[0].pk}/").status_code == 404
    assert client.post(f"/api/v1/oncall/pages/{pages[0].pk}/acknowledge/").status_code == 404
    web = Client()
    web.force_login(people["emma"])
    assert web.get("/portal/oncall/").status_code == 404


def test_bad_or_expired_links_are_not_found(people, on_call, clock, settings):
    incident, pages = _escalated(people)
    client = Client()
    assert client.get("/portal/oncall/ack/forged/").status_code == 404
    assert client.post("/portal/oncall/ack/forged/confirm/").status_code == 404
    token = ack_token(pages[0])
    settings.ONCALL_ACK_LINK_MAX_AGE = -1
    assert client.post(f"/portal/oncall/ack/{token}/confirm/").status_code == 404
    assert Incident.objects.get(pk=incident.pk).responded_at is None
