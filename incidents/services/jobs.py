"""Scheduled work: SLA thresholds and the nightly auto-close."""

import logging

from django.conf import settings
from django.utils import timezone

from incidents.choices import Status
from incidents.models import Incident
from incidents.services.transitions import incident_transition
from incidents.sla import INCIDENT_SLA
from itsm.audit import system_user
from itsm.choices import Priority
from itsm.sla import jobs
from itsm.sla.models import SlaClock, SlaEventKind
from itsm.workflow import TransitionNotAllowed

logger = logging.getLogger(__name__)
ESCALATE_ON_BREACH = frozenset({Priority.P1, Priority.P2})


def incident_sla_check_due(*, now=None, limit: int | None = None) -> jobs.JobRun:
    """The SLA job over every incident due by ``now`` (the per-minute task runs it).

    Each threshold passed is recorded once and notified after commit; a resolution
    breach on a P1/P2 escalates to the group manager.
    """
    return jobs.record_due(
        INCIDENT_SLA,
        now=now or timezone.now(),
        actor=system_user(),
        on_events=_escalate_breach,
        limit=limit,
    )


def incident_sla_record_due(*, incident_id, now=None) -> list[tuple[str, str]]:
    """Record every SLA threshold the incident has passed by ``now``, once each.

    Returns the (clock, kind) events recorded by this call; a second call records none.
    """
    events = jobs.record_one(
        INCIDENT_SLA,
        incident_id,
        now=now or timezone.now(),
        actor=system_user(),
        on_events=_escalate_breach,
    )
    return [(event.clock, event.kind) for event in events]


def escalates_on(incident, kinds) -> bool:
    """Whether new SLA events ``kinds`` ((clock, kind) pairs) escalate the incident.

    Only an open P1/P2 is escalated, on its resolution breach; a breach recorded after
    the incident was resolved is only notified.
    """
    breach = (SlaClock.RESOLUTION, SlaEventKind.BREACH) in kinds
    return breach and incident.is_open and incident.priority in ESCALATE_ON_BREACH


def _escalate_breach(incident, events: list[jobs.NewEvent]) -> Incident | None:
    """Inside the job's batch: escalate to the group manager as a person would."""
    if not escalates_on(incident, {(event.clock, event.kind) for event in events}):
        return None
    try:
        return incident_transition(
            incident_id=incident.pk,
            name="escalate_to_manager",
            actor=system_user(),
            reason="resolution SLA breached",
        )
    except TransitionNotAllowed as refused:
        # No group or manager to escalate to: the breach itself is recorded and notified.
        logger.warning("SLA breach escalation skipped for %s: %s", incident.number, refused.code)
        return None


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
