"""The incident staff console: escaping, access and the other incident tables."""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents import services
from incidents.models import IncidentAttachment, IncidentComment, SlaEvent, SlaPause
from incidents.tests.factories import make_incident
from incidents.tests.helpers_admin import (
    CHANGELIST,
    change_url,
)

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


# --- Escaping, access and the other incident tables ---------------------------------------


class UnsafeMarkup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found, self.in_script = [], False

    def handle_starttag(self, tag, attrs):
        self.in_script = tag == "script"
        self.found += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]
        if tag == "img" and ("src", "x") in attrs:
            self.found.append("img src=x")

    def handle_data(self, data):
        if self.in_script and "alert(1)" in data:
            self.found.append("script alert")

    def handle_endtag(self, tag):
        self.in_script = False


def unsafe_markup(response) -> list[str]:
    parser = UnsafeMarkup()
    parser.feed(response.content.decode())
    return parser.found


def test_user_text_is_escaped_in_the_console(staff, sam, emma):
    incident = make_incident(reporter=emma, title=XSS[:200], description=XSS)
    services.incident_comment_add(incident_id=incident.pk, actor=emma, body=XSS)
    upload = SimpleUploadedFile("<img src=x onerror=alert(1)>.txt", b"hello")
    services.incident_attachment_add(incident_id=incident.pk, actor=emma, upload=upload)
    client = staff(sam)
    pages = [
        CHANGELIST,
        change_url(incident),
        f"{CHANGELIST}{incident.pk}/history/",
        "/admin/incidents/incidentcomment/",
        "/admin/incidents/incidentattachment/",
    ]

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert unsafe_markup(response) == [], url
        assert "&lt;img src=x onerror=alert(1)&gt;" in response.content.decode(), url


def test_attachments_link_to_the_checked_download(staff, sam, emma):
    incident = make_incident(reporter=emma)
    upload = SimpleUploadedFile("router.log", b"link down")
    attachment = services.incident_attachment_add(
        incident_id=incident.pk, actor=emma, upload=upload
    )

    html = staff(sam).get(change_url(incident)).content.decode()

    download = reverse("incidents:attachment", kwargs={"pk": attachment.pk})
    assert f'<a href="{download}">router.log</a>' in html
    assert "/media-not-served/" not in html


@pytest.mark.parametrize("model", [IncidentComment, IncidentAttachment, SlaPause, SlaEvent])
def test_incident_rows_have_read_only_admins(model, staff, sam):
    model_admin = admin.site._registry[model]
    url = f"/admin/incidents/{model._meta.model_name}/"

    assert staff(sam).get(url).status_code == 200
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)


def test_people_search_answers_staff_only(staff, sam, emma):
    url = f"{CHANGELIST}people/?term=emm"

    found = staff(sam).get(url).json()["results"]
    refused = staff(emma).get(url)

    assert [row["id"] for row in found] == [str(emma.pk)]
    assert refused.status_code == 302


def test_history_versions_of_comments_and_files_open_for_staff(staff, sam, emma):
    incident = make_incident(reporter=emma)
    comment = services.incident_comment_add(incident_id=incident.pk, actor=emma, body="hi")
    upload = SimpleUploadedFile("router.log", b"link down")
    attachment = services.incident_attachment_add(
        incident_id=incident.pk, actor=emma, upload=upload
    )
    client = staff(sam)

    for model, row in [("incidentcomment", comment), ("incidentattachment", attachment)]:
        version = row.history.first().history_id
        response = client.get(f"/admin/incidents/{model}/{row.pk}/history/{version}/")
        assert response.status_code == 200, model


def test_a_malformed_id_in_a_history_page_is_a_404(staff, admin_user):
    client = staff(admin_user)

    for url in [
        "/admin/incidents/incidentattachment/1/history/1/",
        "/admin/incidents/incidentattachment/x/history/",
        "/admin/incidents/incident/x/history/1/",
    ]:
        assert client.get(url).status_code == 404, url
