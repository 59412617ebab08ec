"""Titles are one line on every write path, and e-mail subjects always are (issue 7 §2).

A CR or LF in a title reached an e-mail Subject: Django refused the header, the create
answered 500 after the incident was saved, and every later notifying transition failed.
"""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from incidents import services
from incidents.models import Incident
from incidents.tests.factories import make_incident, network_team
from itsm.models import NotificationLog
from itsm.notifications import send_once
from itsm.validators import single_line, validate_single_line

pytestmark = pytest.mark.django_db

BROKEN = [
    "Printer down\r\nBcc: everyone@example.com",
    "Printer down\nsecond line",
    "Printer\rdown",
    "Printer\tdown",
    "Printer\x00down",
    "Printer\x1bdown",
    "Printer\x85down",
    "Printer\u2028down",
]


@pytest.mark.parametrize("title", BROKEN)
def test_the_validator_refuses_line_breaks_and_control_characters(title):
    with pytest.raises(ValidationError) as caught:
        validate_single_line(title)

    assert caught.value.code == "single_line"


@pytest.mark.parametrize("title", ["Wi-Fi down – 2nd floor", "Ümlaut ✓ 中文", "a  b", ""])
def test_the_validator_accepts_ordinary_text(title):
    validate_single_line(title)


def test_single_line_turns_each_run_into_one_space():
    assert single_line("\r\n a\r\n\r\nb\t\x00c \u2028") == "a b c"


@pytest.mark.parametrize("title", BROKEN[:3])
def test_the_service_refuses_it(emma, title):
    with pytest.raises(ValidationError) as caught:
        services.incident_create(actor=emma, title=title, description="x")

    assert "title" in caught.value.message_dict
    assert not Incident.objects.exists()


def test_the_api_refuses_it_on_create_and_edit(emma):
    client = APIClient()
    client.force_authenticate(emma)
    incident = make_incident(reporter=emma)

    created = client.post("/api/v1/incidents/", {"title": BROKEN[0]}, format="json")
    edited = client.patch(
        f"/api/v1/incidents/{incident.pk}/",
        {"title": BROKEN[1], "version": incident.version},
        format="json",
    )

    for response in (created, edited):
        assert response.status_code == 400
        assert "one line" in response.json()["errors"]["title"][0]
    assert Incident.objects.count() == 1
    incident.refresh_from_db()
    assert "\n" not in incident.title


def test_the_portal_form_shows_it_next_to_the_title(emma):
    client = Client()
    client.force_login(emma)

    response = client.post(
        "/portal/incidents/new/",
        {"title": BROKEN[0], "description": "It jams.", "urgency": "medium"},
    )

    assert response.status_code == 400
    assert "one line" in str(response.context["form"].errors["title"])
    assert not Incident.objects.exists()


def test_the_staff_console_shows_it_next_to_the_title(sam, emma):
    client = Client()
    client.force_login(sam)

    response = client.post(
        "/admin/incidents/incident/add/",
        {
            "title": BROKEN[0],
            "description": "Caller says it jams.",
            "affected_user": emma.pk,
            "channel": "phone",
            "impact": "low",
            "urgency": "medium",
            "_save": "Save",
        },
    )

    assert response.status_code == 200
    assert "one line" in str(response.context["adminform"].form.errors["title"])
    assert not Incident.objects.exists()


def test_send_once_makes_the_subject_one_line():
    sent = send_once(
        key="k1",
        subject="[INC1] Resolved: Printer\r\nBcc: everyone@example.com",
        body="x",
        recipients=["emma@example.com"],
    )

    assert sent is True
    assert mail.outbox[0].subject == "[INC1] Resolved: Printer Bcc: everyone@example.com"
    assert mail.outbox[0].bcc == []
    assert NotificationLog.objects.get().subject == mail.outbox[0].subject


def test_an_incident_stored_with_a_broken_title_still_notifies(
    emma, ravi, sam, django_capture_on_commit_callbacks
):
    # A title saved before titles were validated: the assignment mail must still go out.
    incident = make_incident(reporter=emma)
    Incident.objects.filter(pk=incident.pk).update(title="Printer\r\ndown")

    with django_capture_on_commit_callbacks(execute=True):
        services.incident_transition(
            incident_id=incident.pk, name="assign", actor=sam, group=network_team(), assignee=ravi
        )

    subjects = [message.subject for message in mail.outbox]
    assert subjects
    assert all("\r" not in s and "\n" not in s for s in subjects)
