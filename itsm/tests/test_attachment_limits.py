"""Attachment names, quotas and the one-field form's errors (issue 7 §4, SECURITY.md T40).

The request-size limit (refused before the body is read) is in test_request_guard.py.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from incidents import services
from incidents.models import IncidentAttachment
from incidents.tests.factories import make_incident
from itsm.attachments import MAX_NAME_LENGTH, clean_filename, file_size, validate_upload

pytestmark = pytest.mark.django_db


def upload(name: str = "log.txt", size: int = 10) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * size)


def attach_url(incident) -> str:
    return f"/portal/incidents/{incident.pk}/attach/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Long file names ----------------------------------------------------------------------


@pytest.mark.parametrize("ext", [".pdf", ".PNG", ".docx", ".json"])
def test_a_long_name_keeps_its_extension(ext):
    name = clean_filename("quarterly report " * 30 + ext)

    assert len(name) == MAX_NAME_LENGTH
    assert name.endswith(ext)
    assert validate_upload(upload("quarterly report " * 30 + ext)) == name


def test_a_name_whose_extension_is_itself_too_long_is_cut_whole():
    name = clean_filename("a." + "b" * 300)

    assert len(name) == MAX_NAME_LENGTH
    with pytest.raises(ValidationError):
        validate_upload(upload("a." + "b" * 300))


def test_a_long_name_is_accepted_through_the_portal(emma):
    incident = make_incident(reporter=emma)

    response = signed_in(emma).post(attach_url(incident), {"file": upload("x" * 250 + ".pdf")})

    assert response.status_code == 302
    stored = IncidentAttachment.objects.get()
    assert stored.original_name == "x" * (MAX_NAME_LENGTH - 4) + ".pdf"


def test_the_attach_form_shows_a_refusal_once(emma):
    incident = make_incident(reporter=emma)

    response = signed_in(emma).post(attach_url(incident), {"file": upload("page.html")})

    assert response.status_code == 400
    assert response.content.decode().count("are not accepted") == 1


# --- Quotas -------------------------------------------------------------------------------


@pytest.fixture
def quotas(settings):
    settings.ATTACHMENT_RECORD_QUOTA_BYTES = 25
    settings.ATTACHMENT_USER_QUOTA_BYTES = 45
    return settings


def add(incident, user, size):
    return services.incident_attachment_add(
        incident_id=incident.pk, actor=user, upload=upload(size=size)
    )


def test_a_record_holds_no_more_than_its_quota(quotas, emma, eli):
    incident = make_incident(reporter=emma)
    add(incident, emma, 10)
    add(incident, emma, 15)  # exactly full

    with pytest.raises(ValidationError) as caught:
        add(incident, eli, 1)

    assert caught.value.code == "attachment_record_quota"
    assert "This record already holds 25 bytes" in caught.value.message
    assert incident.attachments.count() == 2


def test_a_person_uploads_no_more_than_their_quota_across_records(quotas, emma, eli):
    first, second, third = (make_incident(reporter=emma) for _ in range(3))
    add(first, emma, 20)
    add(second, emma, 20)

    with pytest.raises(ValidationError) as caught:
        add(third, emma, 10)
    add(third, eli, 10)  # another person still may

    assert caught.value.code == "attachment_user_quota"
    assert "You have uploaded 40 bytes" in caught.value.message
    assert third.attachments.get().uploaded_by == eli


def test_the_portal_shows_the_quota_error_once(quotas, emma):
    incident = make_incident(reporter=emma)
    add(incident, emma, 20)

    response = signed_in(emma).post(attach_url(incident), {"file": upload(size=10)})

    assert response.status_code == 400
    assert response.content.decode().count("This record already holds") == 1
    assert incident.attachments.count() == 1


def test_reporting_with_a_file_over_the_quota_logs_nothing(quotas, emma):
    response = signed_in(emma).post(
        "/portal/incidents/new/",
        {
            "title": "Printer",
            "description": "x",
            "urgency": "medium",
            "attachment": upload(size=30),
        },
    )

    assert response.status_code == 400
    assert "This record already holds" in response.content.decode()
    assert not emma.reported_incidents.exists()


@pytest.mark.parametrize(
    ("size", "text"),
    [(16, "16 bytes"), (1536, "1.5 KB"), (10 * 1024 * 1024, "10 MB"), (1234567, "1.2 MB")],
)
def test_sizes_read_naturally(size, text):
    assert file_size(size) == text
