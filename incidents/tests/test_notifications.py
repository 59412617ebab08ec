"""Incident e-mails: who gets them, what they say, sent once, and inert HTML."""

from html.parser import HTMLParser

import pytest
from django.core import mail

from incidents import services
from incidents.choices import Status
from incidents.tests.factories import incident_in, make_incident
from itsm.models import NotificationLog
from itsm.tasks import notify

INCIDENT = "incidents.incident"

pytestmark = pytest.mark.django_db

XSS = '<script>alert(1)</script><img src=x onerror=alert(1)>"><svg onload=alert(1)>'


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parsed_tags(html: str):
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


def test_redelivered_task_sends_once(emma):
    incident = make_incident(reporter=emma)
    mail.outbox.clear()
    key = f"incident:{incident.pk}:logged:v1"
    assert notify(INCIDENT, incident.pk, "logged", key) is True
    assert notify(INCIDENT, incident.pk, "logged", key) is False
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.filter(key=key).count() == 1


def test_resolved_mail_links_to_confirm_and_reject(
    emma, ravi, sam, django_capture_on_commit_callbacks
):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_transition(
            incident_id=incident.pk,
            name="resolve",
            actor=ravi,
            resolution_code="workaround",
            resolution_notes="Cleared the VPN profile.",
        )
    (message,) = mail.outbox
    assert message.to == ["emma@example.com"]
    assert f"/portal/incidents/{incident.pk}/#resolution" in message.body
    assert "Cleared the VPN profile." in message.body
    html = message.alternatives[0][0]
    assert f"/portal/incidents/{incident.pk}/#resolution" in html


def test_major_incident_mail_goes_to_watchers_commander_and_comms(
    emma, eli, ravi, sam, django_capture_on_commit_callbacks
):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    services.incident_watch(incident_id=incident.pk, actor=eli)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_transition(
            incident_id=incident.pk,
            name="declare_major",
            actor=sam,
            commander=ravi,
            communications_lead=sam,
        )
    (message,) = mail.outbox
    assert sorted(message.to) == ["eli@example.com", "ravi@example.com", "sam@example.com"]
    assert "Major incident" in message.subject


def test_user_text_in_html_mail_is_inert(emma, ravi, sam, django_capture_on_commit_callbacks):
    incident = incident_in(
        Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam, title=f"VPN {XSS}"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_comment_add(incident_id=incident.pk, actor=ravi, body=XSS)
        services.incident_transition(
            incident_id=incident.pk,
            name="resolve",
            actor=ravi,
            resolution_code="workaround",
            resolution_notes=XSS,
        )
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "\n" not in message.subject
        html = message.alternatives[0][0]
        tags = parsed_tags(html)
        assert not [tag for tag, _ in tags if tag in {"script", "svg", "img"}]
        assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
        assert "&lt;script&gt;" in html
