"""The status page follows incidents through their events (``itsm.events``), after the
commit: no signal handler, nothing before the commit, nothing for routine incidents."""

import pytest

from incidents import services as incident_services
from incidents.tests.factories import make_incident
from itsm.events import listeners_for
from statuspage import hooks
from statuspage.models import Component
from statuspage.tests.factories import major_incident, make_component

pytestmark = pytest.mark.django_db


def status_of(component) -> str:
    return Component.objects.get(pk=component.pk).status


def test_the_status_page_listens_to_incident_and_change_events():
    assert hooks.incident_event in listeners_for("incidents.incident", "major_stood_down")
    assert hooks.change_event in listeners_for("changes.change", "started")


def test_nothing_moves_before_the_commit(sam, emma, django_capture_on_commit_callbacks):
    component = make_component(actor=sam)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        major_incident(reporter=emma, agent=sam, service=component.service)
    assert status_of(component) == "operational"

    for callback in callbacks:
        callback()
    assert status_of(component) == "major_outage"


def test_standing_down_and_cancelling_clear_the_outage(
    sam, emma, django_capture_on_commit_callbacks
):
    component = make_component(actor=sam)
    with django_capture_on_commit_callbacks(execute=True):
        first = major_incident(reporter=emma, agent=sam, service=component.service)
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.incident_transition(
            incident_id=first.pk, name="stand_down_major", actor=sam
        )
    assert status_of(component) == "operational"

    with django_capture_on_commit_callbacks(execute=True):
        second = major_incident(reporter=emma, agent=sam, service=component.service)
    assert status_of(component) == "major_outage"
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.incident_transition(
            incident_id=second.pk, name="cancel", actor=sam, reason="Duplicate report."
        )
    assert status_of(component) == "operational"


def test_a_new_priority_moves_the_status(sam, emma, django_capture_on_commit_callbacks):
    component = make_component(actor=sam)
    with django_capture_on_commit_callbacks(execute=True):
        incident = major_incident(reporter=emma, agent=sam, service=component.service)
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.incident_update(
            incident_id=incident.pk, actor=sam, changes={"impact": "low", "urgency": "low"}
        )
    assert status_of(component) == "degraded_performance"


def test_routine_incidents_refresh_nothing(sam, emma, django_assert_num_queries):
    make_component(actor=sam)
    incident = make_incident(reporter=emma)
    with django_assert_num_queries(1):
        assert hooks.incident_moved(incident.pk, "cancelled") == []
