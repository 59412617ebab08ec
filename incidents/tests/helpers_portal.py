"""Shared URLs and helpers for the incident portal tests."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

REPORT = reverse("incidents:create")
LIST = reverse("incidents:list")


def upload(name="screen.png", content=b"\x89PNG fake image bytes"):
    return SimpleUploadedFile(name, content)


def detail_url(incident, view="detail"):
    return reverse(f"incidents:{view}", kwargs={"pk": incident.pk})


def transition_url(incident, name):
    return reverse("incidents:transition", kwargs={"pk": incident.pk, "name": name})


def snapshot(incident):
    """What must not change when a request is refused."""
    incident.refresh_from_db()
    return (
        incident.status,
        incident.version,
        incident.history.count(),
        incident.comments.count(),
        incident.attachments.count(),
        incident.watchers.count(),
    )


def page_text(response) -> str:
    return response.content.decode()
