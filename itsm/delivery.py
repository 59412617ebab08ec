"""Sending one logged message (an e-mail or a chat post) at most once, with its outcome.

Shared by the apps that keep a row per message (on-call pages, stakeholder updates). A
row has ``status`` (pending, sent, failed), ``attempts``, ``last_error``,
``response_status`` and ``delivered_at``. :func:`deliver_once` locks the row while
sending and marks it sent in the same transaction, so a redelivered task sends nothing
twice (the crash window between the receiver accepting and the commit is the
at-least-once side, as for notifications). A transient failure is logged and raised as
:class:`DeliveryFailed` for the task to retry with back-off; a refusal
(:class:`DeliveryRefused`) is logged as failed and not retried.
"""

from collections.abc import Callable

from django.db import models, transaction
from django.utils import timezone

from itsm.audit import record_change

PENDING, SENT, FAILED = "pending", "sent", "failed"
ERROR_LENGTH = 1000


class DeliveryFailed(Exception):
    """A delivery failed in a way worth retrying."""


class DeliveryRefused(Exception):
    """The receiver refused the message; retrying will not help."""

    def __init__(self, status: int, text: str):
        super().__init__(f"HTTP {status}: {text}")
        self.status = status


def _save(delivery, actor, reason: str, fields: set[str]) -> None:
    record_change(delivery, actor, reason)
    delivery.save(update_fields=sorted(fields))


def deliver_once(
    queryset: models.QuerySet, pk, *, send: Callable[[models.Model], int | None], actor
) -> bool:
    """Send the pending row ``pk`` with ``send(row)`` (which returns the HTTP status, or
    None for e-mail); return whether it was sent now."""
    failure = None
    with transaction.atomic():
        delivery = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
        if delivery is None or delivery.status != PENDING:
            return False
        delivery.attempts += 1
        try:
            response_status = send(delivery)
        except DeliveryFailed as exc:
            failure = exc
            delivery.last_error = str(exc)[:ERROR_LENGTH]
            _save(delivery, actor, "delivery attempt failed", {"attempts", "last_error"})
        except DeliveryRefused as exc:
            delivery.status = FAILED
            delivery.response_status = exc.status or None
            delivery.last_error = str(exc)[:ERROR_LENGTH]
            fields = {"attempts", "status", "response_status", "last_error"}
            _save(delivery, actor, "delivery refused", fields)
            return False
        else:
            delivery.status = SENT
            delivery.response_status = response_status
            delivery.delivered_at = timezone.now()
            fields = {"attempts", "status", "response_status", "delivered_at"}
            _save(delivery, actor, "delivered", fields)
            return True
    raise failure


def mark_given_up(queryset: models.QuerySet, pk, *, error: str, actor) -> None:
    """Mark a row failed after its last retry."""
    with transaction.atomic():
        delivery = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
        if delivery is None or delivery.status != PENDING:
            return
        delivery.status = FAILED
        delivery.last_error = error[:ERROR_LENGTH]
        _save(delivery, actor, "delivery given up", {"status", "last_error"})
