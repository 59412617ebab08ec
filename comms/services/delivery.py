"""Sending one message of a stakeholder update (e-mail or chat webhook), once.

As for on-call pages: the row is locked while sending and marked sent in the same
transaction, so a redelivered task sends nothing twice; a transient failure is logged and
raised as ``DeliveryFailed`` for the task to retry with back-off; a refusal is final.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comms.choices import Channel, DeliveryStatus
from comms.models import UpdateDelivery
from itsm import chat
from itsm.audit import record_change
from itsm.chat import DeliveryFailed
from statuspage import tokens

ERROR_LENGTH = 1000


def _url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _headline(update) -> str:
    incident = update.incident
    return " ".join(f"[{incident.number}] Major incident update: {incident.title}".split())[:200]


def _email(delivery) -> None:
    update = delivery.update
    headers = None
    if delivery.subscriber_id:
        # Outside the company: no internal number, title or names; the status page's
        # unsubscribe link, as in every status-page message.
        unsubscribe = _url(
            reverse(
                "statuspage:unsubscribe", args=[tokens.make(delivery.subscriber_id, "unsubscribe")]
            )
        )
        subject = "Update on a service disruption"
        context = {
            "update": update,
            "unsubscribe_url": unsubscribe,
            "status_url": _url(reverse("statuspage:page")),
        }
        body = render_to_string("comms/email/update_external.txt", context)
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    else:
        subject = _headline(update)
        context = {
            "update": update,
            "incident": update.incident,
            "live_url": _url(reverse("comms:live", args=[update.incident_id])),
        }
        body = render_to_string("comms/email/update.txt", context)
    try:
        EmailMessage(subject, body, to=[delivery.address], headers=headers).send()
    except OSError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc


def _post(delivery) -> int:
    update = delivery.update
    sender = update.sent_by.get_full_name() or update.sent_by.get_username()
    body = chat.payload(
        delivery.webhook.kind,
        headline=_headline(update),
        lines=[update.body, f"Sent by {sender}"],
        links=[
            ("Open the live incident page", _url(reverse("comms:live", args=[update.incident_id])))
        ],
    )
    return chat.post(delivery.webhook.url, body)


def _save(delivery, reason: str, fields: set[str]) -> None:
    record_change(delivery, delivery.update.sent_by, reason)
    delivery.save(update_fields=sorted(fields))


def delivery_send(*, delivery_id) -> bool:
    """Send one message unless it went out or failed for good; return whether it was sent."""
    failure = None
    with transaction.atomic():
        delivery = (
            UpdateDelivery.objects.select_for_update(of=("self",))
            .select_related("update__incident", "update__sent_by", "webhook")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return False
        delivery.attempts += 1
        try:
            if delivery.channel == Channel.EMAIL:
                _email(delivery)
            elif delivery.webhook is None or not delivery.webhook.is_active:
                raise chat.DeliveryRefused(0, "the webhook was removed or switched off")
            else:
                _post(delivery)
        except DeliveryFailed as exc:
            failure = exc
            delivery.last_error = str(exc)[:ERROR_LENGTH]
            _save(delivery, "delivery attempt failed", {"attempts", "last_error"})
        except chat.DeliveryRefused as exc:
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = str(exc)[:ERROR_LENGTH]
            _save(delivery, "delivery refused", {"attempts", "status", "last_error"})
            return False
        else:
            delivery.status = DeliveryStatus.SENT
            delivery.delivered_at = timezone.now()
            _save(delivery, "delivered", {"attempts", "status", "delivered_at"})
            return True
    raise failure


def delivery_give_up(*, delivery_id, error: str) -> None:
    """Mark a message failed after its last retry."""
    with transaction.atomic():
        delivery = (
            UpdateDelivery.objects.select_for_update(of=("self",))
            .select_related("update__sent_by")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = error[:ERROR_LENGTH]
        _save(delivery, "delivery given up", {"status", "last_error"})
