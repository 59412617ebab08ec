"""Reads of the alerts app: IT staff see integrations and alert events; others nothing."""

import time

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from alerts.models import AlertEvent, Integration
from itsm.roles import is_agent

# Active integrations by slug, kept for a few seconds so a burst of deliveries does not
# look each one up; an edit in this process drops its entry at once, an edit in another
# process reaches this one within ACTIVE_SECONDS. Unknown slugs are never kept.
ACTIVE_SECONDS = 5
_active: dict[str, tuple[float, Integration]] = {}


def active_integration(slug: str) -> Integration | None:
    now = time.monotonic()
    kept = _active.get(slug)
    if kept and kept[0] > now:
        return kept[1]
    integration = Integration.objects.filter(slug=slug, is_active=True).first()
    if integration is None:
        _active.pop(slug, None)
    else:
        _active[slug] = (now + ACTIVE_SECONDS, integration)
    return integration


@receiver([post_save, post_delete], sender=Integration, dispatch_uid="alerts_active_integration")
def _forget(sender, instance, **kwargs):
    _active.clear()  # the slug itself may have changed


def integration_list_visible_to(*, user):
    if not is_agent(user):
        return Integration.objects.none()
    return Integration.objects.all()


def alert_event_list_visible_to(*, user):
    if not is_agent(user):
        return AlertEvent.objects.none()
    return AlertEvent.objects.select_related("incident").order_by("-last_seen", "-id")
