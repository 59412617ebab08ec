"""Every write of the alerts app: the inbox row, processing it, and the alert events.

Incidents are created, assigned, resolved and reopened only through the incident services,
as the system user.
"""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from alerts import senders
from alerts.choices import EventStatus, InboxState
from alerts.maintenance import in_maintenance
from alerts.models import AlertEvent, AlertInbox
from incidents.choices import OPEN_STATUSES, ResolutionCode
from incidents.choices import Status as IncidentStatus
from incidents.models import Incident
from incidents.services import incident_create, incident_transition
from itsm.audit import record_change, system_user

logger = logging.getLogger(__name__)

# The headers processing needs later; nothing else of the request is kept.
KEPT_HEADERS = ("Content-Type", "Sentry-Hook-Resource", "Sentry-Hook-Timestamp", "Request-ID")


# Set while a drain of the inbox is queued and not yet started; the drain deletes it when
# it starts. Web and worker processes must share the cache (CACHE_URL); if they do not,
# or the queued drain is lost, the mark lapses after this many seconds.
DRAIN_QUEUED = "alerts:drain-queued"
DRAIN_QUEUED_SECONDS = 10


def inbox_receive(*, integration, body: bytes, headers) -> AlertInbox:
    """Store a delivery as it arrived; processing is queued once it is committed."""
    kept = {name: headers[name][:200] for name in KEPT_HEADERS if name in headers}
    inbox = AlertInbox(integration=integration, body=body.decode("utf-8"), headers=kept)
    record_change(inbox, None, "received")
    inbox.save()
    transaction.on_commit(queue_drain)
    return inbox


def queue_drain() -> None:
    """Queue a drain of the pending rows unless one is queued and has not started yet, so
    a burst of deliveries costs one publish, not one each (the drain clears the mark
    before it reads, so no committed row is left behind). A broker or cache that is down
    leaves the rows pending for the sweep."""
    from alerts.tasks import drain_alert_inbox

    try:
        if cache.add(DRAIN_QUEUED, True, timeout=DRAIN_QUEUED_SECONDS):
            try:
                drain_alert_inbox.delay()
            except Exception:
                cache.delete(DRAIN_QUEUED)
                raise
    except Exception:
        logger.exception("Alert processing could not be queued; the sweep will.")


def drain_started() -> None:
    """Deliveries committed from now on queue the next drain."""
    cache.delete(DRAIN_QUEUED)


def inbox_replay(*, inbox_id: int, actor) -> AlertInbox:
    """Put a row back to pending and process it again (idempotent for what it applied)."""
    with transaction.atomic():
        inbox = AlertInbox.objects.select_for_update().get(pk=inbox_id)
        inbox.state = InboxState.PENDING
        record_change(inbox, actor, "replay")
        inbox.save(update_fields=["state"])
    inbox_process(inbox_id=inbox_id)
    inbox.refresh_from_db()
    return inbox


def inbox_process(*, inbox_id: int, retry: bool = False) -> bool:
    """Apply every alert of a pending row (or, with ``retry``, of a failed one); True when
    done or not this call's to do, False when it failed (kept with its error for a retry
    or a replay)."""
    with transaction.atomic():
        inbox = (
            AlertInbox.objects.select_for_update()
            .select_related("integration")
            .filter(pk=inbox_id)
            .first()
        )
        if inbox is None or inbox.state == InboxState.DONE:
            return True
        if inbox.state == InboxState.FAILED and not retry:
            return True
        inbox.attempts += 1
        try:
            payload = senders.without_nul(json.loads(inbox.body))
            alerts = senders.parse(
                inbox.integration.kind,
                payload,
                mapping=inbox.integration.field_mapping,
                headers=inbox.headers,
            )
            with transaction.atomic():
                for index, alert in enumerate(alerts):
                    alert_apply(
                        integration=inbox.integration, alert=alert, inbox=inbox, index=index
                    )
        except Exception as error:  # noqa: BLE001 - kept on the row, shown in the admin
            logger.exception("Alert inbox row %s failed.", inbox_id)
            inbox.state = InboxState.FAILED
            inbox.error = f"{type(error).__name__}: {error}"[:5000]
            record_change(inbox, None, "processing failed")
            inbox.save(update_fields=["state", "error", "attempts"])
            return False
        inbox.state, inbox.error, inbox.processed_at = InboxState.DONE, "", timezone.now()
        record_change(inbox, None, "processed")
        inbox.save(update_fields=["state", "error", "attempts", "processed_at"])
        return True


def inbox_pending_ids(*, older_than: timedelta = timedelta(0), limit: int = 500) -> list[int]:
    """The oldest rows pending at least ``older_than`` after they arrived."""
    cutoff = timezone.now() - older_than
    rows = AlertInbox.objects.filter(state=InboxState.PENDING, received_at__lte=cutoff)
    return list(rows.order_by("received_at", "id").values_list("pk", flat=True)[:limit])


def inbox_attempts(inbox_id: int) -> int:
    return AlertInbox.objects.filter(pk=inbox_id).values_list("attempts", flat=True).first() or 0


# --- One alert ---------------------------------------------------------------------------


def alert_apply(*, integration, alert, inbox, index: int = 0) -> AlertEvent | None:
    """Apply one alert to its event, retrying once when a concurrent delivery of the same
    key created the event first (the unique constraint on the current event)."""
    key = senders.grouping_key(integration.grouping_template, alert)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _apply(integration, key, alert, (inbox, index))
        except IntegrityError:
            continue
    raise IntegrityError(f"alert event {key!r} stayed contended")


def _current(integration, key):
    return (
        AlertEvent.objects.select_for_update()
        .filter(integration=integration, grouping_key=key, current=True)
        .first()
    )


def _apply(integration, key, alert, delivery):
    inbox, index = delivery
    event = _current(integration, key)
    now = inbox.received_at
    if event is None:
        if alert.status == senders.RESOLVED:
            return None  # nothing open for it: a resolved alert opens nothing
        return _open(integration, key, alert, delivery, previous=None)
    if (inbox.pk, index) <= (event.last_inbox_id, event.last_alert_index):
        return event  # a replay (or an older delivery): already applied
    if alert.status == senders.FIRING:
        incident = _incident(event)
        if incident is not None and _finished(incident):
            event.current = False
            record_change(event, None, "superseded")
            event.save(update_fields=["current"])
            return _open(integration, key, alert, delivery, previous=event)
    changed = _record_status(event, alert, now)
    event.count += 1
    event.last_seen = now
    event.latest_payload = alert.payload
    event.last_inbox_id, event.last_alert_index = inbox.pk, index
    event.title = alert.title[:200]
    # A change while the alert flaps is held back (no resolve, no reopen, nobody told);
    # the state it settles in is applied with the first delivery after it stops.
    act = changed or event.held or (event.status == EventStatus.FIRING and not event.incident_id)
    event.held = event.flapping and act
    record_change(event, None, f"alert {alert.status}")
    event.save()
    if act and not event.flapping:
        _follow(integration, event, alert, inbox)
    return event


def _record_status(event, alert, now) -> bool:
    """Set the event's status and, on a change, note when; recompute whether it flaps
    (``ALERTS_FLAP_CHANGES`` changes within ``ALERTS_FLAP_MINUTES``)."""
    status = EventStatus.FIRING if alert.status == senders.FIRING else EventStatus.CLEARED
    window = timedelta(minutes=settings.ALERTS_FLAP_MINUTES)
    changes = [t for t in map(_parse, event.state_changes) if t and now - t <= window]
    changed = status != event.status
    if changed:
        event.status = status
        event.cleared_at = now if status == EventStatus.CLEARED else None
        changes.append(now)
    event.state_changes = [t.isoformat() for t in changes]
    flapping = len(changes) >= settings.ALERTS_FLAP_CHANGES
    if flapping and not event.flapping:
        event.flapping_since = now
    event.flapping = flapping
    return changed


def _parse(value):
    return parse_datetime(value) if isinstance(value, str) else None


def _incident(event) -> Incident | None:
    if event.incident_id is None:
        return None
    return Incident.objects.get(pk=event.incident_id)


def _finished(incident) -> bool:
    """Closed, cancelled, or resolved and past reopening (confirmed or out of the window)."""
    if incident.status in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED):
        return True
    if incident.status != IncidentStatus.RESOLVED:
        return False
    window = settings.INCIDENT_CONFIRMATION_WINDOW
    return incident.confirmed_at is not None or (timezone.now() - incident.resolved_at >= window)


def _open(integration, key, alert, delivery, *, previous):
    inbox, index = delivery
    now = inbox.received_at
    event = AlertEvent(
        integration=integration,
        grouping_key=key,
        previous=previous,
        title=alert.title[:200],
        first_seen=now,
        last_seen=now,
        latest_payload=alert.payload,
        last_inbox_id=inbox.pk,
        last_alert_index=index,
        state_changes=[now.isoformat()],
    )
    record_change(event, None, "alert firing")
    event.save()  # the unique constraint makes a concurrent twin retry
    _follow(integration, event, alert, inbox)
    return event


def _follow(integration, event, alert, inbox) -> None:
    """What the event's status means for its incident."""
    if event.status == EventStatus.FIRING:
        if event.incident_id is None:
            _open_incident(integration, event, alert, inbox)
        else:
            _reopen(event)
    elif integration.resolve_incident and event.incident_id is not None:
        incident = _incident(event)
        if incident.status in OPEN_STATUSES:
            incident_transition(
                incident_id=incident.pk,
                name="resolve",
                actor=system_user(),
                resolution_code=ResolutionCode.SOLVED_PERMANENTLY,
                resolution_notes=f"The monitoring alert cleared ({integration.name}).",
                reason="alert resolved",
            )


def _reopen(event) -> None:
    incident = _incident(event)
    if incident.status == IncidentStatus.RESOLVED and not _finished(incident):
        incident_transition(
            incident_id=incident.pk,
            name="reject",
            actor=system_user(),
            reason="The monitoring alert fires again.",
        )


def _open_incident(integration, event, alert, inbox) -> None:
    target = {
        "configuration_item_id": integration.configuration_item_id,
        "service_id": integration.service_id,
    }
    if in_maintenance(at=inbox.received_at, **target):
        if not event.suppressed:
            event.suppressed = True
            record_change(event, None, "in maintenance")
            event.save(update_fields=["suppressed"])
        return
    previous = event.previous.incident if event.previous_id else None
    description = alert.description
    if previous is not None:
        description = f"{description}\n\nFollows {previous.number}.".strip()
    actor = system_user()
    incident = incident_create(
        actor=actor,
        title=(alert.title or event.grouping_key)[:200],
        description=description,
        channel="monitoring",
        service=integration.service,
        configuration_item=integration.configuration_item,
        impact=integration.impact,
        urgency=senders.urgency_for(integration.urgency_map, alert, integration.urgency),
        detected_at=alert.starts_at or inbox.received_at,
    )
    if integration.assignment_group_id:
        incident_transition(
            incident_id=incident.pk,
            name="assign",
            actor=actor,
            group=integration.assignment_group,
            reason=f"routed by the {integration.name} integration",
        )
    event.incident = incident
    event.suppressed = False
    record_change(event, None, f"opened {incident.number}")
    event.save(update_fields=["incident", "suppressed"])
