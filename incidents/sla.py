"""The incident SLA clocks: response and resolution, in business time, with pauses.

Both clocks start at ``reported_at``. The response clock stops at ``responded_at`` (first
assignment to a person, first public staff comment, or resolving on first contact); the
resolution clock stops at ``resolved_at``; cancelling or closing stops both at
``closed_at``. Time on hold for a reason the policy names, and time spent resolved before
the reporter rejected the fix, are paused. The figures, the stored due times and the SLA
job come from the shared kit in :mod:`itsm.sla.records`; this module only declares the
fields.
"""

from incidents.choices import OPEN_STATUSES, Status
from incidents.models import Incident
from itsm.choices import RecordKind
from itsm.sla.models import SlaClock
from itsm.sla.records import RecordSla, pause_code, pauses_clock

INCIDENT_SLA = RecordSla(
    model=Incident,
    policy_kind=RecordKind.INCIDENT,
    starts="reported_at",
    stops={SlaClock.RESPONSE: "responded_at", SlaClock.RESOLUTION: "resolved_at"},
    ended_at="closed_at",
    end_statuses=frozenset({Status.CANCELLED, Status.CLOSED}),
    open_statuses=frozenset(OPEN_STATUSES),
    pause_statuses=frozenset({Status.ON_HOLD}),
)

default_policy = INCIDENT_SLA.default_policy
clocks = INCIDENT_SLA.clocks
explain = INCIDENT_SLA.explain
refresh = INCIDENT_SLA.refresh

__all__ = [
    "INCIDENT_SLA",
    "clocks",
    "default_policy",
    "explain",
    "pause_code",
    "pauses_clock",
    "refresh",
]
