"""The incident staff console: transition buttons and forms, all through services."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from incidents import services
from incidents.choices import HoldReason, Status
from incidents.models import IncidentAttachment, IncidentComment
from incidents.tests.factories import incident_in, make_incident
from incidents.tests.helpers_admin import (
    CHANGELIST,
    change_url,
    history_count,
    latest_history,
    refresh,
)
from incidents.workflow import WORKFLOW
from itsm.workflow import TransitionNotAllowed


def transition_url(incident, name) -> str:
    return f"{CHANGELIST}{incident.pk}/transition/{name}/"


# --- Transition buttons ------------------------------------------------------------------


def test_change_page_offers_the_available_transitions_as_buttons(staff, sam, ravi, emma):
    incident = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)

    html = staff(ravi).get(change_url(incident)).content.decode()

    assert f'action="{transition_url(incident, "start")}"' in html
    assert f'href="{transition_url(incident, "resolve")}?expected_version=' in html
    assert transition_url(incident, "close") not in html  # not from assigned
    assert 'name="status"' not in html  # status is never an input


def test_buttons_refused_by_the_record_state_are_hidden(staff, sam, ravi, emma):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    incident = services.incident_transition(
        incident_id=incident.pk, name="declare_major", actor=ravi
    )

    html = staff(ravi).get(change_url(incident)).content.decode()

    assert transition_url(incident, "stand_down_major") in html
    assert transition_url(incident, "declare_major") not in html  # already major
    assert transition_url(incident, "hold") in html  # refused only for missing input


def test_button_post_runs_the_transition_and_writes_one_history_row(staff, sam, ravi, emma):
    incident = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    before = history_count(incident)

    response = staff(ravi).post(transition_url(incident, "start"))

    assert response.status_code == 302
    assert response["Location"] == change_url(incident)
    assert refresh(incident).status == Status.IN_PROGRESS
    assert history_count(incident) == before + 1


def test_get_on_a_transition_url_changes_nothing(staff, sam, ravi, emma):
    incident = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    before = history_count(incident)

    response = staff(ravi).get(transition_url(incident, "start"))

    assert response.status_code == 200
    assert b'type="submit"' in response.content
    assert refresh(incident).status == Status.ASSIGNED
    assert refresh(incident).version == incident.version
    assert history_count(incident) == before


def test_refused_transition_shows_the_rule_and_changes_nothing(staff, sam, emma):
    incident = make_incident(reporter=emma)
    before = history_count(incident)

    with pytest.raises(TransitionNotAllowed) as refusal:
        WORKFLOW.check(incident, "start", sam)

    response = staff(sam).post(transition_url(incident, "start"))

    assert response.status_code == 409
    assert escape(refusal.value.message) in response.content.decode()
    assert refresh(incident).status == Status.NEW
    assert history_count(incident) == before


def test_transition_from_a_stale_page_is_refused(staff, sam, ravi, emma):
    incident = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    services.incident_update(
        incident_id=incident.pk, actor=sam, changes={"title": "Renamed"}, expected_version=None
    )

    response = staff(ravi).post(
        transition_url(incident, "start"), {"expected_version": incident.version}
    )

    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert refresh(incident).status == Status.ASSIGNED


def test_transition_form_page_validates_and_then_resolves(staff, sam, ravi, emma):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    client = staff(ravi)
    before = history_count(incident)

    page = client.get(transition_url(incident, "resolve"))
    missing = client.post(transition_url(incident, "resolve"), {"resolution_code": "workaround"})
    done = client.post(
        transition_url(incident, "resolve"),
        {"resolution_code": "workaround", "resolution_notes": "Rebooted the switch."},
    )

    assert 'name="resolution_notes"' in page.content.decode()
    assert missing.status_code == 400
    assert done.status_code == 302
    resolved = refresh(incident)
    assert (resolved.status, resolved.resolution_notes) == (Status.RESOLVED, "Rebooted the switch.")
    assert history_count(incident) == before + 1


def test_admin_button_and_service_write_the_same_history(staff, sam, ravi, emma):
    through_admin = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    through_service = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)

    staff(ravi).post(transition_url(through_admin, "start"))
    services.incident_transition(incident_id=through_service.pk, name="start", actor=ravi)

    fields = ["status", "history_user_id", "history_type", "history_change_reason"]
    admin_row = latest_history(through_admin)
    service_row = latest_history(through_service)
    assert [getattr(admin_row, f) for f in fields] == [getattr(service_row, f) for f in fields]
    assert admin_row.history_change_reason.startswith("start")


def test_comment_and_work_note_go_through_the_service(staff, sam, emma):
    incident = make_incident(reporter=emma)

    response = staff(sam).post(
        transition_url(incident, "comment"), {"body": "Called the user.", "visibility": "internal"}
    )

    assert response.status_code == 302
    comment = IncidentComment.objects.get(incident=incident)
    assert (comment.author, comment.visibility) == (sam, "internal")
    assert comment.history.get().history_change_reason == "comment"


def test_attaching_a_file_goes_through_the_service(staff, sam, emma):
    incident = make_incident(reporter=emma)
    client = staff(sam)

    page = client.get(transition_url(incident, "attach"))
    refused = client.post(
        transition_url(incident, "attach"), {"upload": SimpleUploadedFile("tool.exe", b"MZ")}
    )
    done = client.post(
        transition_url(incident, "attach"), {"upload": SimpleUploadedFile("router.log", b"down")}
    )

    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert refused.status_code == 400
    assert "are not accepted" in refused.content.decode()
    assert done.status_code == 302
    attachment = IncidentAttachment.objects.get(incident=incident)
    assert (attachment.original_name, attachment.uploaded_by) == ("router.log", sam)
    assert attachment.history.get().history_change_reason == "attach"


def test_transition_pages_ask_for_the_table_inputs(staff, sam, ravi, emma):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    client = staff(ravi)

    hold = client.get(transition_url(incident, "hold")).context["form"]
    assign = client.get(transition_url(incident, "assign")).context["form"]

    assert list(hold.fields) == ["hold_reason", "reason"]
    assert hold.fields["hold_reason"].label == WORKFLOW["hold"].inputs[0].label
    assert [value for value, _ in hold.fields["hold_reason"].choices][1:] == HoldReason.values
    assert assign["group"].value() == incident.assignment_group_id  # prefilled from the record
    assert assign["assignee"].value() == ravi.pk
    assert f"{CHANGELIST}people/" in str(assign["assignee"])  # the people search
    assert "/admin/autocomplete/" in str(assign["group"])


def test_priority_override_needs_a_reason(staff, sam, emma):
    incident = make_incident(reporter=emma)
    client = staff(sam)

    refused = client.post(transition_url(incident, "override_priority"), {"priority": "1"})
    done = client.post(
        transition_url(incident, "override_priority"),
        {"priority": "1", "reason": "CEO affected", "expected_version": incident.version},
    )

    assert refused.status_code == 400
    assert done.status_code == 302
    overridden = refresh(incident)
    assert (overridden.priority, overridden.priority_overridden) == (1, True)
