"""Posting to chat tools' incoming webhooks (Slack, Mattermost, Microsoft Teams).

Shared by the apps that post to chat (on-call pages, stakeholder updates): each builds a
message (a headline, lines, links) and sends it through :func:`post`. :func:`payload`
writes the JSON body each tool expects; :func:`post` sends it and sorts failures into
those worth retrying (``DeliveryFailed``: network, 429, 5xx) and refusals
(``DeliveryRefused``: any other 4xx), which are not (see :mod:`itsm.delivery`).
"""

import requests

from itsm.delivery import DeliveryFailed, DeliveryRefused

SLACK = "slack"
MATTERMOST = "mattermost"
TEAMS = "teams"
TIMEOUT_SECONDS = 10


def payload(kind: str, *, headline: str, lines: list[str], links: list[tuple[str, str]]) -> dict:
    """The JSON body for ``kind``'s incoming webhook; ``links`` are (title, url) pairs."""
    summary = "\n".join([headline, *lines])
    if kind == SLACK:
        shown = " | ".join(f"<{url}|{title}>" for title, url in links)
        return {"text": f"{summary}\n{shown}" if shown else summary}
    if kind == MATTERMOST:
        shown = " | ".join(f"[{title}]({url})" for title, url in links)
        return {"text": f"{summary}\n{shown}" if shown else summary}
    # Microsoft Teams (Workflows incoming webhook): a message carrying an Adaptive Card.
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": headline, "weight": "Bolder", "wrap": True},
            *({"type": "TextBlock", "text": line, "wrap": True} for line in lines),
        ],
        "actions": [{"type": "Action.OpenUrl", "title": title, "url": url} for title, url in links],
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


def post(url: str, body: dict) -> int:
    """Send ``body`` to the webhook; return the HTTP status, or raise as described above."""
    try:
        response = requests.post(url, json=body, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise DeliveryFailed(f"HTTP {response.status_code}: {response.text[:200]}")
    if response.status_code >= 400:
        raise DeliveryRefused(response.status_code, response.text[:200])
    return response.status_code
