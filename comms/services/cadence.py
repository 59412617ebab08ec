"""The update cadence of open major incidents: each interval that passes with no update
sent is recorded once and reminds the communications lead.

The clock of an incident starts at the latest of its declaration, its last update and
its last missed interval; the interval is the priority's (``COMMS_UPDATE_CADENCE_MINUTES``;
lower priorities keep the largest one). Every interval since then that has ended is a
missed cadence, unique on its due time, so the beat job may run as often as it likes (or
stop for an hour) and still records each missed interval exactly once. It stops when the
incident is resolved or stood down.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from comms.models import MissedCadence
from incidents.choices import OPEN_STATUSES
from incidents.models import Incident
from itsm.audit import record_change, system_user

# A worker that was down for days does not fill the table with the backlog.
MAX_MISSES_PER_RUN = 48


def cadence_minutes(priority: int) -> int:
    table = settings.COMMS_UPDATE_CADENCE_MINUTES
    return table.get(priority, max(table.values()))


def declared_at(incident):
    """When the incident was last declared major (its history says)."""
    row = (
        incident.history.filter(history_transition="declare_major")
        .order_by("-history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    return row or incident.reported_at


def cadence_due(incident, *, now=None):
    """The due times of the intervals that ended with no update, oldest first."""
    now = now or timezone.now()
    interval = timedelta(minutes=cadence_minutes(incident.priority))
    last_update = incident.stakeholder_updates.aggregate(last=Max("sent_at"))["last"]
    last_missed = incident.missed_cadences.aggregate(last=Max("due_at"))["last"]
    start = max(filter(None, [declared_at(incident), last_update, last_missed]))
    due, missed = start + interval, []
    while due <= now and len(missed) < MAX_MISSES_PER_RUN:
        missed.append(due)
        due += interval
    return missed


def update_cadence_check(*, now=None) -> list[int]:
    """Record the missed intervals of every open major incident; return the new rows' ids."""
    now = now or timezone.now()
    actor = system_user()
    new = []
    incidents = Incident.objects.filter(is_major=True, status__in=OPEN_STATUSES)
    for incident in incidents.order_by("pk"):
        minutes = cadence_minutes(incident.priority)
        for due in cadence_due(incident, now=now):
            missed = missed_cadence_record(
                incident=incident, due_at=due, minutes=minutes, actor=actor
            )
            if missed is not None:
                new.append(missed.pk)
    return new


def missed_cadence_record(*, incident, due_at, minutes: int, actor) -> MissedCadence | None:
    """Record one missed interval unless it is recorded; return the new row or None."""
    if MissedCadence.objects.filter(incident=incident, due_at=due_at).exists():
        return None
    missed = MissedCadence(
        incident=incident, due_at=due_at, interval_minutes=minutes, recorded_at=timezone.now()
    )
    record_change(missed, actor, "no stakeholder update in the cadence interval")
    try:
        with transaction.atomic():
            missed.save()
    except IntegrityError:
        return None  # another run recorded it first
    return missed
