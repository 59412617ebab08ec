"""Stakeholder updates: one record per update, sent after commit by Celery.

``stakeholder_update_send`` writes the update and queues the fan-out after commit. The
fan-out (``update_fan_out``) lists the messages as :class:`UpdateDelivery` rows keyed by
update and address (or webhook), so a task run twice adds none twice; each row is sent
by ``delivery_send`` under its row lock and marked sent in the same transaction, so a
redelivered task sends nobody a second copy.
"""

from django.db import transaction
from django.utils import timezone

from comms.choices import Channel, DeliveryStatus
from comms.models import Stakeholder, StakeholderUpdate, UpdateDelivery
from comms.services.stakeholders import _lock_major, stakeholders_sync_subscribers
from itsm.audit import record_change
from itsm.bulk import create_records_with_history
from itsm.errors import Refused
from oncall.models import ChatWebhook

BODY_MAX_LENGTH = 10000


def stakeholder_update_send(*, incident_id, actor, body: str, channels) -> StakeholderUpdate:
    """Record an update to the incident's stakeholders and send it after commit."""
    body = str(body or "").replace("\r\n", "\n").strip()
    channels = [code for code in Channel.values if code in set(channels or ())]
    if not body:
        raise Refused("update_body_required", field="body")
    if len(body) > BODY_MAX_LENGTH:
        raise Refused("invalid_input", field="body")
    if not channels:
        raise Refused(
            "update_channel_required", field="channels", choices=", ".join(Channel.values)
        )
    with transaction.atomic():
        incident = _lock_major(incident_id, actor)
        update = StakeholderUpdate(
            incident=incident, body=body, channels=channels, sent_by=actor, sent_at=timezone.now()
        )
        record_change(update, actor, "stakeholder update sent")
        update.save()
        transaction.on_commit(lambda: _queue_fan_out(update.pk))
    return update


def _queue_fan_out(update_id) -> None:
    from comms.tasks import fan_out_update

    fan_out_update.delay(update_id)


def _email_targets(incident) -> dict[str, dict]:
    """Address (lower case) -> delivery fields; people and teams before subscribers."""
    targets: dict[str, dict] = {}
    listed = Stakeholder.objects.filter(incident=incident)
    people = listed.filter(person__isnull=False, person__is_active=True).values_list(
        "person__email", flat=True
    )
    members = listed.filter(team__members__is_active=True).values_list(
        "team__members__email", flat=True
    )
    for address in [*people, *members]:
        if address:
            targets.setdefault(address.lower(), {"address": address})
    subscribers = listed.filter(
        subscriber__confirmed_at__isnull=False, subscriber__unsubscribed_at__isnull=True
    ).select_related("subscriber")
    for stakeholder in subscribers:
        subscriber = stakeholder.subscriber
        targets.setdefault(
            subscriber.email.lower(), {"address": subscriber.email, "subscriber": subscriber}
        )
    return targets


def update_fan_out(*, update_id) -> list[int]:
    """List the update's messages (once) and return the ids of those still to send."""
    update = StakeholderUpdate.objects.select_related("incident").get(pk=update_id)
    if Channel.EMAIL in update.channels:
        stakeholders_sync_subscribers(incident_id=update.incident_id)
    with transaction.atomic():
        # One fan-out at a time per update, so two runs do not insert the same key.
        update = StakeholderUpdate.objects.select_for_update().get(pk=update_id)
        wanted = []
        if Channel.EMAIL in update.channels:
            for address, fields in _email_targets(update.incident).items():
                key = f"update:{update.pk}:email:{address}"
                wanted.append(
                    UpdateDelivery(update=update, channel=Channel.EMAIL, key=key, **fields)
                )
        if Channel.CHAT in update.channels:
            teams = Stakeholder.objects.filter(incident_id=update.incident_id, team__isnull=False)
            hooks = ChatWebhook.objects.filter(team__in=teams.values("team"), is_active=True)
            for hook in hooks.order_by("pk"):
                key = f"update:{update.pk}:chat:{hook.pk}"
                wanted.append(
                    UpdateDelivery(update=update, channel=Channel.CHAT, key=key, webhook=hook)
                )
        known = set(update.deliveries.values_list("key", flat=True))
        new = [delivery for delivery in wanted if delivery.key not in known]
        for delivery in new:
            delivery.created_at = timezone.now()
            record_change(delivery, update.sent_by, "delivery listed")
        create_records_with_history(new)
        pending = update.deliveries.filter(status=DeliveryStatus.PENDING).order_by("pk")
        return list(pending.values_list("pk", flat=True))
