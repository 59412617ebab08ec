"""Thin Celery tasks: ids in, services called."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from comms import services
from comms.models import MissedCadence
from itsm.notifications import send_once
from itsm.tasks import RETRY, TRANSIENT_ERRORS

BATCH_SIZE = 50


@shared_task(**RETRY)
def stakeholders_seed(incident_id: int) -> int:
    """A major incident was declared: list the subscribers of its components."""
    return services.stakeholders_sync_subscribers(incident_id=incident_id)


@shared_task(**RETRY)
def fan_out_update(update_id: int) -> int:
    """List an update's messages and queue them in batches; returns how many batches."""
    ids = services.update_fan_out(update_id=update_id)
    batches = [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]
    for batch in batches:
        send_update_batch.delay(batch)
    return len(batches)


@shared_task(
    bind=True,
    **{**RETRY, "autoretry_for": (*TRANSIENT_ERRORS, services.DeliveryFailed)},
)
def send_update_batch(self, delivery_ids: list[int]) -> int:
    """Send a batch of messages; a retry sends only those still pending."""
    sent, failure = 0, None
    for delivery_id in delivery_ids:
        try:
            sent += services.delivery_send(delivery_id=delivery_id)
        except services.DeliveryFailed as exc:
            if self.request.retries >= self.max_retries:
                services.delivery_give_up(delivery_id=delivery_id, error=str(exc))
            else:
                failure = exc
    if failure is not None:
        raise failure
    return sent


@shared_task(**RETRY)
def update_cadence_check() -> int:
    """Every minute: record missed update intervals and remind the communications leads."""
    missed = services.update_cadence_check()
    for missed_id in missed:
        transaction.on_commit(lambda missed_id=missed_id: remind_cadence.delay(missed_id))
    return len(missed)


@shared_task(**RETRY)
def remind_cadence(missed_id: int) -> bool:
    """Tell the communications lead (or the commander) an update is overdue, once."""
    missed = (
        MissedCadence.objects.select_related("incident__communications_lead", "incident__commander")
        .filter(pk=missed_id)
        .first()
    )
    if missed is None:
        return False
    incident = missed.incident
    lead = incident.communications_lead or incident.commander
    if lead is None or not lead.email:
        return False
    context = {
        "incident": incident,
        "missed": missed,
        "update_url": settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("comms:send_update", args=[incident.pk]),
    }
    return send_once(
        key=f"comms-cadence:{missed.pk}",
        subject=f"[{incident.number}] Stakeholder update overdue: {incident.title}",
        body=render_to_string("comms/email/cadence_reminder.txt", context),
        recipients=[lead.email],
    )
