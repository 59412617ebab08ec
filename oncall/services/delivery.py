"""Sending one page delivery (e-mail or chat webhook), once, with its outcome logged
(``itsm.delivery``: locked while sending, retried when worth it, refused for good)."""

from django.core.mail import EmailMessage

from itsm import chat
from itsm.audit import system_user
from itsm.delivery import DeliveryFailed, DeliveryRefused, deliver_once, mark_given_up
from oncall import messages
from oncall.choices import Channel, DeliveryStatus
from oncall.models import PageDelivery


def _post(delivery) -> int:
    return chat.post(
        delivery.webhook.url, messages.chat_payload(delivery.page, delivery.webhook.kind)
    )


def _email(delivery) -> None:
    subject, body = messages.email(delivery.page)
    try:
        EmailMessage(subject, body, to=[delivery.page.person.email]).send()
    except OSError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc


def _send(delivery) -> int | None:
    if delivery.channel == Channel.EMAIL:
        _email(delivery)
        return None
    if delivery.webhook is None or not delivery.webhook.is_active:
        raise DeliveryRefused(0, "the webhook was removed or switched off")
    return _post(delivery)


def deliver(*, delivery_id) -> bool:
    """Send one delivery unless it went out or failed for good; return whether it was sent."""
    rows = PageDelivery.objects.select_related(
        "page__incident", "page__person", "page__team", "webhook"
    )
    return deliver_once(rows, delivery_id, send=_send, actor=system_user())


def give_up(*, delivery_id, error: str) -> None:
    """Mark a delivery failed after its last retry."""
    mark_given_up(PageDelivery.objects.all(), delivery_id, error=error, actor=system_user())


def stale_pending(*, older_than, limit: int = 200) -> list[int]:
    """Deliveries still pending long after they were queued (a lost task)."""
    rows = PageDelivery.objects.filter(status=DeliveryStatus.PENDING, created_at__lt=older_than)
    return list(rows.order_by("created_at").values_list("pk", flat=True)[:limit])
