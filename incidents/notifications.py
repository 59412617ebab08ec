"""Who hears about what happens to an incident, and what the message says.

Messages are built and sent by the ``incident_notify`` task after the transaction
commits; the key makes a redelivered task send nothing twice.
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

TRANSITION_EVENTS = {
    "assign": "assigned",
    "escalate": "assigned",
    "escalate_to_manager": "escalated_to_manager",
    "resolve": "resolved",
    "declare_major": "major_declared",
}

HEADLINES = {
    "logged": "We have logged your incident",
    "assigned": "An incident was assigned to you",
    "escalated_to_manager": "An incident was escalated to you as group manager",
    "commented": "New comment on an incident",
    "resolved": "Your incident has been resolved",
    "major_declared": "Major incident declared",
    "sla_warning": "SLA warning: 75 % of the target used",
    "sla_breach": "SLA breached",
}


def on_commit(incident, event: str, **extra) -> None:
    """Queue the notification for ``event`` once the current transaction commits."""
    from incidents.tasks import incident_notify

    key = f"incident:{incident.pk}:{event}:v{incident.version}"
    if extra:
        key += ":" + ":".join(f"{k}={v}" for k, v in sorted(extra.items()))
    pk = incident.pk
    transaction.on_commit(lambda: incident_notify.delay(pk, event, key, extra))


def effect(transition_name: str):
    """The after-commit side effect of a transition (a no-op for silent ones)."""
    event = TRANSITION_EVENTS.get(transition_name)

    def notify(incident):
        if event:
            on_commit(incident, event)

    return notify


def _emails(users) -> list[str]:
    return sorted({u.email for u in users if u is not None and u.email})


def _requesters(incident) -> list:
    return [incident.affected_user, incident.reporter]


def _workers(incident) -> list:
    if incident.assignee_id:
        return [incident.assignee]
    group = incident.assignment_group
    return list(group.members.all()) if group else []


def recipients(incident, event: str, extra: dict) -> list[str]:
    if event in ("logged", "resolved"):
        return _emails(_requesters(incident))
    if event in ("assigned", "sla_warning", "sla_breach"):
        emails = _emails(_workers(incident))
        group = incident.assignment_group
        if not emails and group and group.email:
            emails = [group.email]
        return emails
    if event == "escalated_to_manager":
        group = incident.assignment_group
        return _emails([group.manager] if group else [])
    if event == "commented":
        comment = incident.comments.select_related("author").get(pk=extra["comment_id"])
        side = _requesters(incident)
        others = _workers(incident) if comment.author in side else side
        return _emails(u for u in others if u != comment.author)
    if event == "major_declared":
        people = [*incident.watchers.all(), incident.commander, incident.communications_lead]
        return _emails(people)
    raise ValueError(f"Unknown incident event: {event}")


def message(incident, event: str, extra: dict) -> tuple[str, str, str]:
    """Subject, plain-text body and HTML body (autoescaped) for ``event``."""
    url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("incidents:detail", args=[incident.pk])
    context = {
        "incident": incident,
        "event": event,
        "headline": HEADLINES[event],
        "url": url,
        "extra": extra,
        "comment": (
            incident.comments.get(pk=extra["comment_id"]) if event == "commented" else None
        ),
    }
    subject = f"[{incident.number}] {HEADLINES[event]}: {incident.title}"[:200]
    text = render_to_string("incidents/email/notification.txt", context)
    html = render_to_string("incidents/email/notification.html", context)
    return subject.replace("\n", " "), text, html
