"""Reads of the alerts app: IT staff see integrations and alert events; others nothing."""

from alerts.models import AlertEvent, Integration
from itsm.roles import is_agent


def integration_list_visible_to(*, user):
    if not is_agent(user):
        return Integration.objects.none()
    return Integration.objects.all()


def alert_event_list_visible_to(*, user):
    if not is_agent(user):
        return AlertEvent.objects.none()
    return AlertEvent.objects.select_related("incident").order_by("-last_seen", "-id")
