"""The incident portal transitions: confirming or rejecting a resolution and staff work."""

import pytest

from incidents import services
from incidents.choices import Status
from incidents.tests.factories import incident_in, make_incident, network_team
from incidents.tests.helpers_portal import (
    detail_url,
    page_text,
    snapshot,
    transition_url,
)

pytestmark = pytest.mark.django_db


# --- Confirm or reject a resolution ----------------------------------------------------------


def test_requester_sees_confirm_and_reject_in_the_resolution_section(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)

    page = page_text(as_user(emma).get(detail_url(incident)))

    assert 'id="resolution"' in page
    assert transition_url(incident, "confirm") in page
    assert transition_url(incident, "reject") in page
    assert f'name="version" value="{incident.version}"' in page


def test_requester_confirms_from_the_portal(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)

    response = as_user(emma).post(
        transition_url(incident, "confirm"), {"version": incident.version}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#resolution")
    incident.refresh_from_db()
    assert incident.confirmed_at is not None
    assert incident.history.first().history_change_reason == "confirm"


def test_reject_without_a_reason_is_refused_and_changes_nothing(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
    before = snapshot(incident)

    response = as_user(emma).post(
        transition_url(incident, "reject"), {"version": incident.version, "reason": ""}
    )

    assert response.status_code == 400
    assert 'id="reject-reason_error"' in page_text(response)
    assert snapshot(incident) == before


def test_reject_with_a_reason_reopens_the_incident(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)

    as_user(emma).post(
        transition_url(incident, "reject"),
        {"version": incident.version, "reason": "Still jams"},
    )

    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS
    assert incident.history.first().history_change_reason == "reject: Still jams"


def test_a_stale_page_is_refused_and_changes_nothing(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
    stale = incident.version - 1
    before = snapshot(incident)

    response = as_user(emma).post(
        transition_url(incident, "confirm"), {"version": stale}, follow=True
    )

    assert "changed by someone else" in page_text(response)
    assert snapshot(incident) == before


def test_employee_cannot_run_staff_transitions(as_user, emma):
    incident = make_incident(reporter=emma)
    before = snapshot(incident)

    response = as_user(emma).post(
        transition_url(incident, "resolve"),
        {"version": incident.version, "resolution_code": "workaround", "resolution_notes": "x"},
        follow=True,
    )

    assert "Only IT staff" in page_text(response)
    assert snapshot(incident) == before


def test_unknown_transition_is_404(as_user, sam, emma):
    incident = make_incident(reporter=emma)

    response = as_user(sam).post(transition_url(incident, "explode"), {"version": 1})

    assert response.status_code == 404


def test_transitions_refuse_get(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)

    assert as_user(emma).get(transition_url(incident, "confirm")).status_code == 405
    assert snapshot(incident)[0] == Status.RESOLVED


# --- Staff work --------------------------------------------------------------------------------


def test_staff_see_the_actions_the_workflow_offers_them(as_user, emma, sam, ravi):
    new = make_incident(reporter=emma)
    assigned = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)

    new_page = page_text(as_user(ravi).get(detail_url(new)))
    assigned_page = page_text(as_user(ravi).get(detail_url(assigned)))
    employee_page = page_text(as_user(emma).get(detail_url(assigned)))

    assert transition_url(new, "assign") in new_page
    assert transition_url(new, "start") not in new_page
    assert transition_url(assigned, "start") in assigned_page
    assert transition_url(assigned, "resolve") in assigned_page
    assert transition_url(assigned, "close") not in assigned_page
    assert 'id="actions"' not in employee_page


def test_staff_assign_from_the_portal(as_user, emma, sam, ravi):
    incident = make_incident(reporter=emma)
    team = network_team()

    as_user(sam).post(
        transition_url(incident, "assign"),
        {"version": incident.version, "group": team.pk, "assignee": ravi.pk},
    )

    incident.refresh_from_db()
    assert (incident.status, incident.assignment_group, incident.assignee) == (
        Status.ASSIGNED,
        team,
        ravi,
    )


def test_assigning_someone_outside_the_group_is_an_error_on_the_assignee(as_user, emma, sam, nina):
    incident = make_incident(reporter=emma)
    before = snapshot(incident)

    response = as_user(sam).post(
        transition_url(incident, "assign"),
        {"version": incident.version, "group": network_team().pk, "assignee": nina.pk},
    )

    assert response.status_code == 400
    assert 'id="assign-assignee_error"' in page_text(response)
    assert snapshot(incident) == before


def test_hold_needs_a_reason(as_user, emma, sam, ravi):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    before = snapshot(incident)

    response = as_user(ravi).post(transition_url(incident, "hold"), {"version": incident.version})

    assert response.status_code == 400
    assert 'id="hold-hold_reason_error"' in page_text(response)
    assert snapshot(incident) == before


def test_start_and_resume_buttons_move_the_incident(as_user, emma, sam, ravi):
    incident = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    client = as_user(ravi)

    client.post(transition_url(incident, "start"), {"version": incident.version})
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS

    client.post(
        transition_url(incident, "hold"),
        {"version": incident.version, "hold_reason": "awaiting_vendor"},
    )
    incident.refresh_from_db()
    assert (incident.status, incident.hold_reason) == (Status.ON_HOLD, "awaiting_vendor")

    client.post(transition_url(incident, "resume"), {"version": incident.version})
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS


def test_close_before_confirmation_is_refused_with_the_rule(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
    before = snapshot(incident)

    response = as_user(sam).post(
        transition_url(incident, "close"), {"version": incident.version}, follow=True
    )

    assert "has not confirmed the resolution" in page_text(response)
    assert snapshot(incident) == before


HISTORY_FIELDS = [
    "status",
    "resolution_code",
    "resolution_notes",
    "resolved_by_id",
    "history_user_id",
    "history_change_reason",
    "history_type",
    "version",
    "hold_reason",
    "assignee_id",
]


def test_portal_resolve_writes_the_same_single_history_row_as_the_service(as_user, emma, sam, ravi):
    by_portal = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    by_service = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    rows_before = by_portal.history.count()
    params = {"resolution_code": "workaround", "resolution_notes": "Cleared the queue."}

    response = as_user(ravi).post(
        transition_url(by_portal, "resolve"), {"version": by_portal.version, **params}
    )
    services.incident_transition(
        incident_id=by_service.pk,
        name="resolve",
        actor=ravi,
        expected_version=by_service.version,
        **params,
    )

    assert response.status_code == 302
    assert by_portal.history.count() == rows_before + 1
    portal_row = by_portal.history.values(*HISTORY_FIELDS).first()
    service_row = by_service.history.values(*HISTORY_FIELDS).first()
    assert portal_row == service_row
    assert portal_row["status"] == Status.RESOLVED
