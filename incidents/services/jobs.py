"""Scheduled work: SLA thresholds and the nightly auto-close."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from incidents import sla
from incidents.choices import (
    SlaClock,
    SlaEventKind,
    Status,
)
from incidents.models import Incident, SlaEvent
from incidents.services.transitions import incident_transition
from itsm.audit import record_change, system_user
from itsm.choices import Priority
from itsm.notifications import notify_on_commit
from itsm.workflow import TransitionNotAllowed

logger = logging.getLogger(__name__)
ESCALATE_ON_BREACH = frozenset({Priority.P1, Priority.P2})


def incident_sla_record_due(*, incident_id, now=None) -> list[tuple[str, str]]:
    """Record every SLA threshold the incident has crossed by ``now``, once each.

    Returns the (clock, kind) events recorded by this call; a second call records none.
    A resolution breach on a P1/P2 escalates to the group manager.
    """
    now = now or timezone.now()
    actor = system_user()
    with transaction.atomic():
        incident = (
            Incident.objects.select_for_update(of=("self",))
            .select_related("sla_policy__calendar", "assignment_group")
            .get(pk=incident_id)
        )
        recorded = {(e.clock, e.kind) for e in incident.sla_events.all()}
        new_events = []
        for clock, state in sla.clocks(incident, now=now).items():
            for kind, fraction in sla.THRESHOLDS.items():
                if (clock, kind) in recorded or state.percent < fraction * 100:
                    continue
                crossed = sla.threshold_moment(incident, clock, fraction) or now
                event = SlaEvent(incident=incident, clock=clock, kind=kind, occurred_at=crossed)
                record_change(event, actor, f"sla_{kind}: {clock}")
                event.save()
                recorded.add((clock, kind))
                new_events.append((clock, kind))
        fields = sla.refresh(incident, recorded=recorded)
        if new_events or fields:
            reasons = ", ".join(f"{kind} {clock}" for clock, kind in new_events) or "reschedule"
            record_change(incident, actor, f"sla: {reasons}")
            incident.save(update_fields=fields or ["sla_next_check_at"])
        for clock, kind in new_events:
            notify_on_commit(incident, f"sla_{kind}", clock=clock)
    breached_resolution = (SlaClock.RESOLUTION, SlaEventKind.BREACH) in new_events
    if breached_resolution and incident.priority in ESCALATE_ON_BREACH:
        _escalate_on_breach(incident, actor)
    return new_events


def _escalate_on_breach(incident, actor) -> None:
    try:
        incident_transition(
            incident_id=incident.pk,
            name="escalate_to_manager",
            actor=actor,
            reason="resolution SLA breached",
        )
    except TransitionNotAllowed as refused:
        # No group or manager to escalate to: the breach itself is recorded and notified.
        logger.warning("SLA breach escalation skipped for %s: %s", incident.number, refused.code)


def incident_auto_close_due(*, now=None) -> list[str]:
    """Close resolved incidents whose confirmation window has passed (the nightly job)."""
    now = now or timezone.now()
    cutoff = now - settings.INCIDENT_CONFIRMATION_WINDOW
    actor = system_user()
    due = Incident.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
    closed = []
    for pk, number in due.values_list("pk", "number"):
        try:
            incident_transition(
                incident_id=pk, name="close", actor=actor, reason="confirmation window passed"
            )
        except TransitionNotAllowed:
            continue  # changed since we listed it (reopened or already closed)
        closed.append(number)
    return closed
