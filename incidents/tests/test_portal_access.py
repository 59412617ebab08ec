"""The incident portal pages: signing in, other people's incidents and rendering user content."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from incidents import services
from incidents.choices import Status
from incidents.tests.factories import incident_in, make_incident
from incidents.tests.helpers_portal import (
    LIST,
    REPORT,
    detail_url,
    page_text,
    snapshot,
    transition_url,
    upload,
)

pytestmark = pytest.mark.django_db


# --- Signing in --------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client, emma):
    incident = make_incident(reporter=emma)
    urls = [LIST, REPORT, detail_url(incident), detail_url(incident, "comment")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_anonymous_post_changes_nothing(client, emma):
    incident = make_incident(reporter=emma)
    before = snapshot(incident)

    response = client.post(detail_url(incident, "comment"), {"body": "hi"})

    assert response.status_code == 302
    assert snapshot(incident) == before


# --- Access to someone else's incident (SECURITY.md T01, T05) ---------------------------------


def test_detail_of_someone_elses_incident_is_404_without_its_data(as_user, emma, eli):
    incident = make_incident(reporter=emma, title="secret-canary-7f3")

    response = as_user(eli).get(detail_url(incident))

    assert response.status_code == 404
    assert "secret-canary-7f3" not in page_text(response)


def test_writes_to_someone_elses_incident_are_404_and_change_nothing(as_user, emma, eli, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
    before = snapshot(incident)
    client = as_user(eli)
    version = incident.version
    posts = [
        (detail_url(incident, "comment"), {"body": "hello", "visibility": "public"}),
        (detail_url(incident, "attach"), {"file": upload()}),
        (detail_url(incident, "watch"), {"watching": "1"}),
        (transition_url(incident, "confirm"), {"version": version}),
        (transition_url(incident, "reject"), {"version": version, "reason": "no"}),
    ]

    for url, data in posts:
        assert client.post(url, data).status_code == 404, url

    assert snapshot(incident) == before


def test_attachments_download_only_for_people_who_see_the_incident(as_user, emma, eli):
    incident = make_incident(reporter=emma)
    attachment = services.incident_attachment_add(
        incident_id=incident.pk, actor=emma, upload=upload("notes.txt", b"hello")
    )
    url = reverse("incidents:attachment", kwargs={"pk": attachment.pk})

    mine = as_user(emma).get(url)
    assert mine.status_code == 200
    assert mine["Content-Disposition"].startswith("attachment")
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert b"".join(mine.streaming_content) == b"hello"

    assert as_user(eli).get(url).status_code == 404


# --- Rendering user content (SECURITY.md T39) -------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[y](JaVaScRiPt:alert(1))",
    "[z](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '"><svg onload=alert(1)>',
    "[m](java\nscript:alert(1))",
]


class ActiveContent(HTMLParser):
    """Collects what a browser would run: script tags, on* handlers, script URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/itsm/"):
            self.found.append(tag)  # only the project's own static scripts are expected
        if tag in ("svg", "img", "iframe", "object"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(name)
            url = re.sub(r"\s", "", (value or "")).lower()
            if name in ("href", "src") and url.startswith(("javascript:", "data:")):
                self.found.append(f"{name}={value}")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


def test_user_content_renders_inert_in_list_and_detail(as_user, emma, sam):
    payload = "\n\n".join(XSS)
    incident = make_incident(reporter=emma, title=" ".join(XSS)[:200], description=payload)
    services.incident_comment_add(incident_id=incident.pk, actor=emma, body=payload)
    services.incident_comment_add(
        incident_id=incident.pk, actor=sam, body=payload, visibility="internal"
    )
    services.incident_attachment_add(
        incident_id=incident.pk, actor=emma, upload=upload("<img src=x onerror=alert(1)>.png")
    )

    for user in [emma, sam]:
        client = as_user(user)
        for url in [LIST, detail_url(incident)]:
            page = page_text(client.get(url))
            assert "<script>alert" not in page, (user, url)
            assert 'href="javascript:' not in page.lower(), (user, url)
            assert active_content(page) == [], (user, url)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_text(as_user(emma).get(LIST))
