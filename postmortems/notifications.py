"""Who hears what about a postmortem: approvers when it waits for them, the owner about
the outcome and about reminders, action-item owners about their overdue items, and an
incident's commander when its postmortem is still to be written."""

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from incidents.models import Incident
from itsm.approvals import approvers_of, pending_track
from itsm.notifications import Notifier, register, send_once
from itsm.tasks import RETRY
from postmortems.due import due_after
from postmortems.models import ActionItem, Postmortem


def _emails(users) -> list[str]:
    return sorted({u.email for u in users if u is not None and u.email})


class PostmortemNotifier(Notifier):
    model = Postmortem
    template = "postmortems/email/notification"
    related = ("owner", "incident")
    headlines = {
        "review_requested": "A postmortem waits for your sign-off",
        "published": "A postmortem was published",
        "rejected": "A postmortem was sent back to draft",
        "overdue": "A postmortem is overdue",
        "action_overdue": "A postmortem action item is past its due date",
    }

    def recipients(self, postmortem, event: str, extra: dict) -> list[str]:
        if event == "review_requested":
            track = pending_track(postmortem)
            return _emails(approvers_of(track)) if track else []
        if event == "action_overdue":
            item = ActionItem.objects.select_related("owner").get(pk=extra["action"])
            return _emails([item.owner or postmortem.owner])
        if event in self.headlines:
            return _emails([postmortem.owner])
        raise ValueError(f"Unknown postmortem event: {event}")

    def context(self, postmortem, event: str, extra: dict) -> dict:
        if event == "action_overdue":
            return {"item": ActionItem.objects.get(pk=extra["action"])}
        return {}


NOTIFIER = register(PostmortemNotifier())


DUE_SUBJECTS = {
    "required": "A postmortem is required",
    "offered": "You may write a postmortem",
}


@shared_task(**RETRY)
def send_postmortem_due(incident_id: int, kind: str, day: str) -> bool:
    """Tell the commander a postmortem is required (once per ``day``) or offered (once);
    nothing once it exists or the incident is no longer major."""
    incident = Incident.objects.select_related("commander").get(pk=incident_id)
    if kind not in DUE_SUBJECTS or not incident.is_major or incident.commander is None:
        return False
    if Postmortem.objects.filter(incident=incident).exists():
        return False
    page = reverse("admin:incidents_incident_change", args=[incident.pk])
    context = {
        "incident": incident,
        "required": kind == "required",
        "due_at": due_after(incident.resolved_at),
        "url": settings.PORTAL_BASE_URL.rstrip("/") + page,
    }
    return send_once(
        key=f"postmortem-{kind}:{incident.pk}" + (f":{day}" if kind == "required" else ""),
        subject=f"[{incident.number}] {DUE_SUBJECTS[kind]}: {incident.title}",
        body=render_to_string("postmortems/email/due.txt", context),
        recipients=[incident.commander.email],
    )
