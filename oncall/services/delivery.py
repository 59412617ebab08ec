"""Sending one page delivery (e-mail or chat webhook), once, with its outcome logged.

The delivery row is locked while sending and marked sent in the same transaction, so a
redelivered task sends nothing twice (the crash window between the receiver accepting
and the commit is the at-least-once side, as for notifications). A transient failure
(network, 429, 5xx) is logged and raised as :class:`DeliveryFailed` for the task to
retry with back-off; any other refusal (4xx) is logged as failed and not retried.
"""

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from itsm import chat
from itsm.audit import record_change, system_user
from itsm.chat import DeliveryFailed
from oncall import messages
from oncall.choices import Channel, DeliveryStatus
from oncall.models import PageDelivery

ERROR_LENGTH = 1000


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


def _save(delivery, reason: str, fields: set[str]) -> None:
    record_change(delivery, system_user(), reason)
    delivery.save(update_fields=sorted(fields))


def deliver(*, delivery_id) -> bool:
    """Send one delivery unless it went out or failed for good; return whether it was sent."""
    failure = None
    with transaction.atomic():
        delivery = (
            PageDelivery.objects.select_for_update(of=("self",))
            .select_related("page__incident", "page__person", "page__team", "webhook")
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
                delivery.response_status = _post(delivery)
        except DeliveryFailed as exc:
            failure = exc
            delivery.last_error = str(exc)[:ERROR_LENGTH]
            _save(delivery, "delivery attempt failed", {"attempts", "last_error"})
        except chat.DeliveryRefused as exc:
            delivery.status = DeliveryStatus.FAILED
            delivery.response_status = exc.status or None
            delivery.last_error = str(exc)[:ERROR_LENGTH]
            fields = {"attempts", "status", "response_status", "last_error"}
            _save(delivery, "delivery refused", fields)
            return False
        else:
            delivery.status = DeliveryStatus.SENT
            delivery.delivered_at = timezone.now()
            fields = {"attempts", "status", "response_status", "delivered_at"}
            _save(delivery, "delivered", fields)
            return True
    raise failure


def give_up(*, delivery_id, error: str) -> None:
    """Mark a delivery failed after its last retry."""
    with transaction.atomic():
        delivery = PageDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = error[:ERROR_LENGTH]
        _save(delivery, "delivery given up", {"status", "last_error"})


def stale_pending(*, older_than, limit: int = 200) -> list[int]:
    """Deliveries still pending long after they were queued (a lost task)."""
    rows = PageDelivery.objects.filter(status=DeliveryStatus.PENDING, created_at__lt=older_than)
    return list(rows.order_by("created_at").values_list("pk", flat=True)[:limit])
