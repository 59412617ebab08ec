"""The incident portal detail page: attachments, comments and watching."""

import pytest
from django.urls import reverse

from incidents import services
from incidents.models import IncidentComment
from incidents.tests.factories import make_incident
from incidents.tests.helpers_portal import (
    LIST,
    detail_url,
    page_text,
    snapshot,
    upload,
)

pytestmark = pytest.mark.django_db


# --- Attachments on the detail page -------------------------------------------------------


def test_detail_lists_attachments_with_download_links(as_user, emma):
    incident = make_incident(reporter=emma)
    attachment = services.incident_attachment_add(
        incident_id=incident.pk, actor=emma, upload=upload("notes.txt", b"hello")
    )

    page = page_text(as_user(emma).get(detail_url(incident)))

    assert reverse("incidents:attachment", kwargs={"pk": attachment.pk}) in page
    assert "notes.txt" in page


def test_attach_from_the_detail_page(as_user, emma):
    incident = make_incident(reporter=emma)

    response = as_user(emma).post(detail_url(incident, "attach"), {"file": upload("log.txt")})

    assert response.status_code == 302
    assert [a.original_name for a in incident.attachments.all()] == ["log.txt"]


def test_bad_attachment_on_the_detail_page_is_refused_next_to_the_field(as_user, emma):
    incident = make_incident(reporter=emma)

    response = as_user(emma).post(
        detail_url(incident, "attach"), {"file": upload("x.svg", b"<svg/>")}
    )

    assert response.status_code == 400
    assert 'id="id_file_error"' in page_text(response)
    assert not incident.attachments.exists()


# --- Comments ------------------------------------------------------------------------------


def test_employee_comment_is_public(as_user, emma):
    incident = make_incident(reporter=emma)

    response = as_user(emma).post(
        detail_url(incident, "comment"), {"body": "Still broken", "visibility": "public"}
    )

    assert response.status_code == 302
    comment = incident.comments.get()
    assert (comment.author, comment.body, comment.visibility) == (emma, "Still broken", "public")


def test_employee_cannot_post_a_work_note_by_forging_the_form(as_user, emma):
    incident = make_incident(reporter=emma)
    before = snapshot(incident)

    response = as_user(emma).post(
        detail_url(incident, "comment"), {"body": "sneaky", "visibility": "internal"}
    )

    assert response.status_code == 403
    assert "Only IT staff can write work notes" in page_text(response)
    assert snapshot(incident) == before


def test_employee_comment_form_offers_no_visibility_choice(as_user, sam, emma):
    incident = make_incident(reporter=emma)

    employee_page = page_text(as_user(emma).get(detail_url(incident)))
    staff_page = page_text(as_user(sam).get(detail_url(incident)))

    assert 'value="internal"' not in employee_page
    assert 'type="hidden" name="visibility" value="public"' in employee_page
    assert 'value="internal"' in staff_page


def test_empty_comment_shows_an_error_and_keeps_nothing(as_user, emma):
    incident = make_incident(reporter=emma)

    response = as_user(emma).post(detail_url(incident, "comment"), {"body": "  "})

    assert response.status_code == 400
    assert 'id="id_body_error"' in page_text(response)
    assert not incident.comments.exists()


def test_work_notes_are_shown_to_staff_and_never_to_employees(as_user, emma, sam):
    incident = make_incident(reporter=emma)
    staff_client = as_user(sam)
    staff_client.post(
        detail_url(incident, "comment"), {"body": "note-canary-1", "visibility": "internal"}
    )
    staff_client.post(
        detail_url(incident, "comment"), {"body": "public-canary-2", "visibility": "public"}
    )
    assert incident.comments.filter(visibility=IncidentComment.Visibility.INTERNAL).exists()

    staff_page = page_text(staff_client.get(detail_url(incident)))
    employee_page = page_text(as_user(emma).get(detail_url(incident)))

    assert "note-canary-1" in staff_page and "public-canary-2" in staff_page
    assert "public-canary-2" in employee_page
    assert "note-canary-1" not in employee_page


# --- Watching -------------------------------------------------------------------------------


def test_watch_and_unwatch(as_user, emma, sam):
    incident = make_incident(reporter=emma)
    client = as_user(sam)

    client.post(detail_url(incident, "watch"), {"watching": "1"})
    assert list(incident.watchers.all()) == [sam]
    assert "Stop watching" in page_text(client.get(detail_url(incident)))

    client.post(detail_url(incident, "watch"), {"watching": "0"})
    assert not incident.watchers.exists()


def test_unwatching_the_last_link_to_an_incident_returns_to_the_list(as_user, emma, eli):
    incident = make_incident(reporter=eli)
    services.incident_watch(incident_id=incident.pk, actor=emma)

    response = as_user(emma).post(detail_url(incident, "watch"), {"watching": "0"})

    assert response["Location"] == LIST
