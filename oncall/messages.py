"""What a page says, by e-mail and in each chat tool's incoming-webhook format."""

from django.template.loader import render_to_string

from oncall.choices import WebhookKind
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
    summary = f"{c['headline']}\nPaged: {who} ({page.team})"
    if kind == WebhookKind.SLACK:
        links = f"<{c['ack_url']}|Acknowledge> | <{c['incident_url']}|Open incident>"
        return {"text": f"{summary}\n{links}"}
    if kind == WebhookKind.MATTERMOST:
        links = f"[Acknowledge]({c['ack_url']}) | [Open incident]({c['incident_url']})"
        return {"text": f"{summary}\n{links}"}
    # Microsoft Teams (Workflows incoming webhook): a message carrying an Adaptive Card.
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": c["headline"], "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "text": f"Paged: {who} ({page.team})", "wrap": True},
        ],
        "actions": [
            {"type": "Action.OpenUrl", "title": "Acknowledge", "url": c["ack_url"]},
            {"type": "Action.OpenUrl", "title": "Open incident", "url": c["incident_url"]},
        ],
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }
