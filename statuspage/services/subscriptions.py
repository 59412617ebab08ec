"""Subscribers: ask (double opt-in), confirm, unsubscribe; all from signed links.

The answer to a request never says whether the address was subscribed already, so the
form tells nobody who reads the status page.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from itsm.audit import record_change
from itsm.errors import Refused
from statuspage import notify, tokens
from statuspage.models import Component, Subscriber


@transaction.atomic
def subscription_request(*, email: str, component_ids) -> None:
    """Record the wish and e-mail a confirmation link for each public component."""
    email = email.strip().lower()
    components = list(Component.objects.filter(pk__in=list(component_ids), is_public=True))
    if not email or not components:
        raise Refused("invalid_input", "Give an e-mail address and choose components.")
    for component in components:
        subscriber = Subscriber.objects.filter(component=component, email=email).first()
        if subscriber is None:
            subscriber = Subscriber(component=component, email=email)
            record_change(subscriber, None, "Subscription requested")
            try:
                with transaction.atomic():
                    subscriber.save()
            except IntegrityError:  # the same request twice at once
                continue
        if not subscriber.is_active:
            pk = subscriber.pk
            transaction.on_commit(lambda pk=pk: notify.send_confirmation.delay(pk))


def _subscriber(token: str, action: str) -> Subscriber:
    pk = tokens.read(token, action)
    subscriber = Subscriber.objects.select_for_update().filter(pk=pk).first() if pk else None
    if subscriber is None:
        raise Refused("invalid_input", "This link is not valid (or has expired).")
    return subscriber


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscriber:
    subscriber = _subscriber(token, "confirm")
    if not subscriber.is_active:
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        record_change(subscriber, None, "Subscription confirmed")
        subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return subscriber


@transaction.atomic
def subscription_cancel(*, token: str) -> Subscriber:
    subscriber = _subscriber(token, "unsubscribe")
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        record_change(subscriber, None, "Unsubscribed")
        subscriber.save(update_fields=["unsubscribed_at"])
    return subscriber
