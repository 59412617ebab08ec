"""The incident SLA clocks: response and resolution, in business time, with pauses.

Both clocks start at ``reported_at``. The response clock stops at ``responded_at`` (first
assignment to a person or first public staff comment); the resolution clock stops at
``resolved_at``. Time on hold for a reason the policy names, and time spent resolved
before the reporter rejected the fix, are paused. Due timestamps are stored so that
"breaching soon" is an indexed query; everything else is derived here.
"""

from datetime import timedelta

from django.utils import timezone

from incidents.choices import SlaClock, SlaEventKind, Status
from itsm.models import SlaPolicy
from itsm.sla.clock import ClockState, Pause, compute_clock, threshold_at
from itsm.sla.spec import calendar_spec

WARNING_FRACTION = 0.75
THRESHOLDS = {SlaEventKind.WARNING: WARNING_FRACTION, SlaEventKind.BREACH: 1.0}
SLA_FIELDS = ["sla_policy", "response_due_at", "resolution_due_at", "sla_next_check_at"]


def default_policy() -> SlaPolicy | None:
    return (
        SlaPolicy.objects.filter(kind="incident", is_default=True)
        .select_related("calendar")
        .prefetch_related("targets", "calendar__working_hours", "calendar__holidays")
        .first()
    )


def pause_code(status: str, hold_reason: str = "") -> str:
    return f"{status}:{hold_reason}" if hold_reason else status


def pauses_clock(policy: SlaPolicy | None, status: str, hold_reason: str = "") -> bool:
    if policy is None:
        return False
    return status in policy.pause_on or pause_code(status, hold_reason) in policy.pause_on


def _targets(incident) -> dict[str, timedelta] | None:
    policy = incident.sla_policy
    if policy is None:
        return None
    target = next((t for t in policy.targets.all() if t.priority == incident.priority), None)
    if target is None:
        return None
    return {
        SlaClock.RESPONSE: timedelta(minutes=target.response_minutes),
        SlaClock.RESOLUTION: timedelta(minutes=target.resolution_minutes),
    }


def _stops(incident) -> dict[str, object]:
    """When each clock stopped; a cancelled or closed incident stops every clock."""
    ended = incident.closed_at if incident.status in (Status.CANCELLED, Status.CLOSED) else None
    return {
        SlaClock.RESPONSE: incident.responded_at or ended,
        SlaClock.RESOLUTION: incident.resolved_at or ended,
    }


def _pauses(incident) -> list[Pause]:
    if incident.pk is None:
        return []
    return [Pause(p.started_at, p.ended_at) for p in incident.sla_pauses.all()]


def clocks(incident, *, now=None) -> dict[str, ClockState]:
    """Both clocks as of ``now``; empty when the incident has no SLA policy or target."""
    targets = _targets(incident)
    if targets is None:
        return {}
    now = now or timezone.now()
    spec = calendar_spec(incident.sla_policy.calendar)
    pauses = _pauses(incident)
    stops = _stops(incident)
    return {
        clock: compute_clock(
            spec,
            started_at=incident.reported_at,
            target=target,
            pauses=pauses,
            now=max(now, incident.reported_at),
            stopped_at=stops[clock],
        )
        for clock, target in targets.items()
    }


def refresh(incident, *, recorded: set[tuple[str, str]] | None = None) -> list[str]:
    """Recompute the stored due times and the next check; return the changed field names.

    ``recorded`` is the set of (clock, kind) events already on record; thresholds
    already recorded are never scheduled again.
    """
    if recorded is None:
        recorded = {(e.clock, e.kind) for e in incident.sla_events.all()} if incident.pk else set()
    targets = _targets(incident)
    before = {name: getattr(incident, name) for name in SLA_FIELDS[1:]}
    incident.response_due_at = incident.resolution_due_at = incident.sla_next_check_at = None
    if targets is not None:
        spec = calendar_spec(incident.sla_policy.calendar)
        pauses = _pauses(incident)
        stops = _stops(incident)
        open_pause = any(p.end is None for p in pauses)
        upcoming = []
        for clock, target in targets.items():
            kwargs = {"started_at": incident.reported_at, "target": target, "pauses": pauses}
            stop = stops[clock]
            if stop is not None:
                # A stopped clock keeps its due time; pauses after the stop do not move it.
                due = compute_clock(spec, now=stop, stopped_at=stop, **kwargs).due_at
                setattr(incident, f"{clock}_due_at", due)
                continue
            setattr(incident, f"{clock}_due_at", threshold_at(spec, fraction=1.0, **kwargs))
            if open_pause:
                continue
            for kind, fraction in THRESHOLDS.items():
                if (clock, kind) not in recorded:
                    upcoming.append(threshold_at(spec, fraction=fraction, **kwargs))
        incident.sla_next_check_at = min((t for t in upcoming if t), default=None)
    return [name for name, value in before.items() if getattr(incident, name) != value]


def explain(incident, *, now=None) -> dict:
    """How each figure was reached: target, counted and paused business intervals."""
    result = {}
    for clock, state in clocks(incident, now=now).items():
        result[clock] = {
            "target_minutes": int(state.target.total_seconds() // 60),
            "elapsed_minutes": int(state.elapsed.total_seconds() // 60),
            "paused_minutes": int(state.paused.total_seconds() // 60),
            "percent": round(state.percent, 1),
            "breached": state.breached,
            "is_paused": state.is_paused,
            "stopped_at": state.stopped_at,
            "due_at": state.due_at,
            "counted": [{"start": s, "end": e} for s, e in state.counted],
            "paused": [{"start": s, "end": e} for s, e in state.paused_intervals],
        }
    return result


def threshold_moment(incident, clock: str, fraction: float):
    """The instant ``clock`` crossed ``fraction`` of its target (None if it has not)."""
    targets = _targets(incident)
    if targets is None:
        return None
    return threshold_at(
        calendar_spec(incident.sla_policy.calendar),
        started_at=incident.reported_at,
        target=targets[clock],
        pauses=_pauses(incident),
        fraction=fraction,
    )
