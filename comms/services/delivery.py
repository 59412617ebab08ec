"""Sending one message of a stakeholder update (e-mail or chat webhook), once, with its
outcome logged (``itsm.delivery``, as for on-call pages)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from comms.choices import Channel
from comms.models import UpdateDelivery
from itsm import chat
from itsm.audit import system_user
from itsm.delivery import DeliveryFailed, DeliveryRefused, deliver_once, mark_given_up
from statuspage import tokens


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


def _send(delivery) -> int | None:
    if delivery.channel == Channel.EMAIL:
        _email(delivery)
        return None
    if delivery.webhook is None or not delivery.webhook.is_active:
        raise DeliveryRefused(0, "the webhook was removed or switched off")
    return _post(delivery)


def delivery_send(*, delivery_id) -> bool:
    """Send one message unless it went out or failed for good; return whether it was sent."""
    rows = UpdateDelivery.objects.select_related("update__incident", "update__sent_by", "webhook")
    return deliver_once(rows, delivery_id, send=_send, actor=system_user())


def delivery_give_up(*, delivery_id, error: str) -> None:
    """Mark a message failed after its last retry."""
    mark_given_up(UpdateDelivery.objects.all(), delivery_id, error=error, actor=system_user())
