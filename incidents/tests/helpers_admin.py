"""Shared URLs and helpers for the incident staff console tests."""

from incidents.models import Incident

CHANGELIST = "/admin/incidents/incident/"


def change_url(incident) -> str:
    return f"{CHANGELIST}{incident.pk}/change/"


def history_count(incident) -> int:
    return incident.history.count()


def latest_history(incident):
    return Incident.history.filter(id=incident.pk).order_by("-history_id").first()


def refresh(incident) -> Incident:
    return Incident.objects.get(pk=incident.pk)
