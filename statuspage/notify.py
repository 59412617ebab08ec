"""E-mail to subscribers, sent by Celery after the write committed.

A status update fans out in batches of subscriber ids; each message is sent with
``send_once`` under the key ``status:<update>:<subscriber>``, so a redelivered task or a
batch run twice sends nobody a second copy. Each address hears once per update, from
the oldest of its subscriptions among the affected components, whose unsubscribe link
the message carries.
"""

from celery import shared_task
from django.conf import settings
from django.db.models import Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from itsm.notifications import send_once
from itsm.tasks import RETRY
from statuspage import tokens
from statuspage.models import StatusUpdate, Subscriber

BATCH_SIZE = 100


def _link(name: str, token: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(f"statuspage:{name}", args=[token])


@shared_task(**RETRY)
def send_confirmation(subscriber_id: int) -> bool:
    """The double opt-in message; at most one per subscriber and hour, so the form cannot
    be used to flood somebody's mailbox."""
    subscriber = Subscriber.objects.select_related("component").filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.is_active:
        return False
    context = {
        "component": subscriber.component.display_name,
        "confirm_url": _link("confirm", tokens.make(subscriber.pk, "confirm")),
    }
    return send_once(
        key=f"status-confirm:{subscriber.pk}:{timezone.now():%Y%m%d%H}",
        subject=f"Confirm your status updates for {subscriber.component.display_name}",
        body=render_to_string("statuspage/email/confirm.txt", context),
        recipients=[subscriber.email],
    )


def active_subscriber_ids(update: StatusUpdate) -> list[int]:
    """One subscriber id per address among the affected components' confirmed ones."""
    components = update.status_incident.components.values("pk")
    return list(
        Subscriber.objects.filter(
            component__in=components, confirmed_at__isnull=False, unsubscribed_at__isnull=True
        )
        .values("email")
        .annotate(first=Min("pk"))
        .order_by("first")
        .values_list("first", flat=True)
    )


@shared_task(**RETRY)
def notify_update(update_id: int) -> int:
    """Queue the batches for one update; returns how many batches."""
    update = StatusUpdate.objects.select_related("status_incident").get(pk=update_id)
    ids = active_subscriber_ids(update)
    batches = [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]
    for batch in batches:
        send_update_batch.delay(update_id, batch)
    return len(batches)


@shared_task(**RETRY)
def send_update_batch(update_id: int, subscriber_ids: list[int]) -> int:
    """Send one update to a batch; returns how many went out now."""
    update = StatusUpdate.objects.select_related("status_incident").get(pk=update_id)
    incident = update.status_incident
    subscribers = Subscriber.objects.filter(
        pk__in=subscriber_ids, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    )
    sent = 0
    for subscriber in subscribers:
        unsubscribe = _link("unsubscribe", tokens.make(subscriber.pk, "unsubscribe"))
        context = {
            "title": incident.title,
            "state": update.get_state_display(),
            "body": update.body,
            "posted_at": update.posted_at,
            "status_url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("statuspage:page"),
            "unsubscribe_url": unsubscribe,
        }
        sent += send_once(
            key=f"status:{update.pk}:{subscriber.pk}",
            subject=f"[{update.get_state_display()}] {incident.title}",
            body=render_to_string("statuspage/email/update.txt", context),
            recipients=[subscriber.email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    return sent
