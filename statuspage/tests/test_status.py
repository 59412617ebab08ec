"""Component status: derived from major incidents, status incidents and maintenance,
worst wins, a manual status replaces it; every move is a closed interval and a new one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents import services as incident_services
from itsm.errors import Refused
from statuspage import services
from statuspage.models import Component, StatusInterval
from statuspage.tests.factories import major_incident, make_component

pytestmark = pytest.mark.django_db


def status_of(component) -> str:
    return Component.objects.get(pk=component.pk).status


def intervals(component) -> list[str]:
    return list(
        StatusInterval.objects.filter(component=component)
        .order_by("started_at", "id")
        .values_list("status", flat=True)
    )


def test_a_new_component_is_operational_with_one_open_interval(sam):
    component = make_component(actor=sam)

    assert component.status == "operational"
    assert intervals(component) == ["operational"]
    assert StatusInterval.objects.get(component=component).ended_at is None


def test_a_major_incident_sets_the_status_after_commit_and_resolving_clears_it(
    sam, ravi, emma, django_capture_on_commit_callbacks
):
    component = make_component(actor=sam)
    with django_capture_on_commit_callbacks(execute=True):
        incident = major_incident(reporter=emma, agent=sam, service=component.service)
    assert status_of(component) == "major_outage"

    with django_capture_on_commit_callbacks(execute=True):
        incident_services.incident_transition(
            incident_id=incident.pk, name="assign", actor=sam, group=_team(), assignee=ravi
        )
        incident_services.incident_transition(
            incident_id=incident.pk,
            name="resolve",
            actor=ravi,
            resolution_code="workaround",
            resolution_notes="Restarted.",
        )

    assert status_of(component) == "operational"
    assert intervals(component) == ["operational", "major_outage", "operational"]


def _team():
    from incidents.tests.factories import network_team

    return network_team()


def test_several_incidents_the_worst_wins(sam, emma, django_capture_on_commit_callbacks):
    component = make_component(actor=sam)
    with django_capture_on_commit_callbacks(execute=True):
        major_incident(
            reporter=emma, agent=sam, service=component.service, impact="low", urgency="low"
        )
    assert status_of(component) == "degraded_performance"

    with django_capture_on_commit_callbacks(execute=True):
        major_incident(reporter=emma, agent=sam, service=component.service)
    assert status_of(component) == "major_outage"


def test_a_status_incident_speaks_for_its_major_incident(sam, emma):
    component = make_component(actor=sam)
    incident = major_incident(reporter=emma, agent=sam, service=component.service)
    status_incident = services.status_incident_open(
        incident_id=incident.pk,
        actor=sam,
        title="E-mail is slow",
        body="Some messages are delayed.",
        impact="degraded_performance",
    )
    assert status_of(component) == "degraded_performance"

    services.status_update_post(
        status_incident_id=status_incident.pk, actor=sam, state="resolved", body="Fixed."
    )
    # The major incident is still open internally; the public word is "resolved".
    assert status_of(component) == "operational"


def test_maintenance_overlapping_an_incident_shows_the_incident_then_maintenance(sam, emma):
    component = make_component(actor=sam)
    now = timezone.now()
    services.maintenance_create(
        actor=sam,
        title="Upgrade",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
        components=[component],
    )
    assert status_of(component) == "under_maintenance"
    incident = major_incident(reporter=emma, agent=sam, service=component.service)
    status_incident = services.status_incident_open(
        incident_id=incident.pk, actor=sam, title="Outage", body="Down.", impact="partial_outage"
    )
    assert status_of(component) == "partial_outage"

    services.status_update_post(
        status_incident_id=status_incident.pk, actor=sam, state="resolved", body="Back."
    )
    assert status_of(component) == "under_maintenance"
    assert intervals(component) == [
        "operational",
        "under_maintenance",
        "partial_outage",
        "under_maintenance",
    ]


def test_a_manual_status_replaces_the_derived_one_until_cleared(sam, emma):
    component = make_component(actor=sam)
    services.component_set_status(
        component_id=component.pk, actor=sam, status="degraded_performance", reason="Slow logins"
    )
    assert status_of(component) == "degraded_performance"
    incident = major_incident(reporter=emma, agent=sam, service=component.service)
    services.components_refresh()
    assert status_of(component) == "degraded_performance"

    services.component_set_status(
        component_id=component.pk, actor=sam, status="", reason="Back to the records"
    )
    assert status_of(component) == "major_outage"
    assert incident.is_major
    history = Component.objects.get(pk=component.pk).history.order_by("history_id")
    reasons = {row.history_change_reason for row in history if row.manual_status}
    assert reasons == {"Slow logins"}
    assert history.last().history_user == sam


def test_a_manual_status_needs_a_reason_and_a_known_status(sam):
    component = make_component(actor=sam)
    with pytest.raises(Refused):
        services.component_set_status(
            component_id=component.pk, actor=sam, status="major_outage", reason=" "
        )
    with pytest.raises(Refused):
        services.component_set_status(
            component_id=component.pk, actor=sam, status="broken", reason="x"
        )
    assert intervals(component) == ["operational"]


def test_only_staff_post_and_only_on_major_incidents(sam, emma):
    component = make_component(actor=sam)
    incident = major_incident(reporter=emma, agent=sam, service=component.service)
    with pytest.raises(Refused) as refused:
        services.status_incident_open(incident_id=incident.pk, actor=emma, title="T", body="B")
    assert refused.value.code == "not_permitted"
    from incidents.tests.factories import make_incident

    minor = make_incident(reporter=emma, service=component.service)
    with pytest.raises(Refused):
        services.status_incident_open(incident_id=minor.pk, actor=sam, title="T", body="B")


def test_intervals_tile_time_without_gaps(sam, emma):
    component = make_component(actor=sam)
    for status in ["major_outage", "partial_outage", ""]:
        services.component_set_status(
            component_id=component.pk, actor=sam, status=status, reason="Test"
        )
    rows = list(StatusInterval.objects.filter(component=component).order_by("started_at", "id"))
    assert [row.status for row in rows] == [
        "operational",
        "major_outage",
        "partial_outage",
        "operational",
    ]
    for earlier, later in zip(rows, rows[1:], strict=False):
        assert earlier.ended_at == later.started_at
    assert rows[-1].ended_at is None
