"""Telling the on-call person about a lower-priority incident, without paging."""

from django.template.loader import render_to_string

from itsm.notifications import send_once
from oncall.links import incident_url


def notify_on_call(incident, team, person) -> bool:
    """One e-mail per incident and group; nothing when nobody is on call."""
    if person is None or not person.email:
        return False
    context = {"incident": incident, "team": team, "incident_url": incident_url(incident)}
    return send_once(
        key=f"oncall:notice:{incident.pk}:{team.pk}",
        subject=f"[{incident.number}] P{incident.priority} for {team}: {incident.title}",
        body=render_to_string("oncall/email/notice.txt", context),
        recipients=[person.email],
    )
