"""Thin Celery tasks: ids in, services called."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from itsm.tasks import RETRY, TRANSIENT_ERRORS
from oncall import services

# A delivery still pending this long after it was queued lost its task; queue it again.
STALE_DELIVERY = timedelta(minutes=10)


@shared_task(**RETRY)
def page_incident(incident_id: int) -> int | None:
    page = services.page_incident(incident_id=incident_id)
    return page.pk if page else None


@shared_task(
    bind=True,
    **{**RETRY, "autoretry_for": (*TRANSIENT_ERRORS, services.DeliveryFailed)},
)
def deliver_page(self, delivery_id: int) -> bool:
    try:
        return services.deliver(delivery_id=delivery_id)
    except services.DeliveryFailed as exc:
        if self.request.retries >= self.max_retries:
            services.give_up(delivery_id=delivery_id, error=str(exc))
            return False
        raise


@shared_task(**RETRY)
def oncall_escalate() -> list[int]:
    """Every minute: take due escalation steps, and requeue deliveries whose task was lost."""
    now = timezone.now()
    for delivery_id in services.stale_pending(older_than=now - STALE_DELIVERY):
        deliver_page.delay(delivery_id)
    return services.escalate_due(now=now)
