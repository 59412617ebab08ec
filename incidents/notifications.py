"""Who hears about what happens to an incident, and what the message says.

The plumbing (queueing after commit, the task, sending once) is ``itsm.notifications``.
"""

from incidents.models import Incident
from itsm.notifications import Notifier, register


def _emails(users) -> list[str]:
    return sorted({u.email for u in users if u is not None and u.email})


def _requesters(incident) -> list:
    return [incident.affected_user, incident.reporter]


def _workers(incident) -> list:
    if incident.assignee_id:
        return [incident.assignee]
    group = incident.assignment_group
    return list(group.members.all()) if group else []


class IncidentNotifier(Notifier):
    model = Incident
    template = "incidents/email/notification"
    related = (
        "reporter",
        "affected_user",
        "assignee",
        "assignment_group__manager",
        "commander",
        "communications_lead",
    )
    headlines = {
        "logged": "We have logged your incident",
        "assigned": "An incident was assigned to you",
        "escalated_to_manager": "An incident was escalated to you as group manager",
        "commented": "New comment on an incident",
        "resolved": "Your incident has been resolved",
        "major_declared": "Major incident declared",
        "sla_warning": "SLA warning: 75 % of the target used",
        "sla_breach": "SLA breached",
    }

    def recipients(self, incident, event: str, extra: dict) -> list[str]:
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

    def context(self, incident, event: str, extra: dict) -> dict:
        if event != "commented":
            return {}
        return {"comment": incident.comments.select_related("author").get(pk=extra["comment_id"])}


NOTIFIER = register(IncidentNotifier())
