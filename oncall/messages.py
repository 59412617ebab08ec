"""What a page says, by e-mail and in each chat tool's incoming-webhook format."""

from django.template.loader import render_to_string

from itsm import chat
from oncall.links import ack_url, incident_url


def _context(page) -> dict:
    incident = page.incident
    return {
        "page": page,
        "incident": incident,
        "headline": " ".join(
            f"[{incident.number}] P{incident.priority} page: {incident.title}".split()
        )[:200],
        "ack_url": ack_url(page),
        "incident_url": incident_url(incident),
    }


def email(page) -> tuple[str, str]:
    """Subject (one line) and plain-text body."""
    context = _context(page)
    return context["headline"], render_to_string("oncall/email/page.txt", context)


def chat_payload(page, kind: str) -> dict:
    """The JSON body for a Slack, Mattermost or Microsoft Teams incoming webhook."""
    c = _context(page)
    who = page.person.get_full_name() or page.person.get_username()
    return chat.payload(
        kind,
        headline=c["headline"],
        lines=[f"Paged: {who} ({page.team})"],
        links=[("Acknowledge", c["ack_url"]), ("Open incident", c["incident_url"])],
    )
