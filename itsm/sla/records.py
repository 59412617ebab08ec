"""SLA clocks on a record type, from a short declaration of its fields.

A record type gets response and resolution clocks by having, on its model:

- ``sla_policy`` (a foreign key to ``itsm.SlaPolicy``), ``response_due_at``,
  ``resolution_due_at`` and ``sla_next_check_at``: the due times are stored so that
  "breaching soon" is an indexed query, and ``sla_next_check_at`` is when the SLA job
  (:mod:`itsm.sla.jobs`) next has a threshold to record (empty while paused);
- pause and event rows made from :mod:`itsm.sla.models`, under the related names
  ``sla_pauses`` and ``sla_events``;

and by declaring a :class:`RecordSla` (``incidents/sla.py`` is the example): which field
starts the clocks, which field stops each clock, which statuses end them all, and which
policy kind applies. Everything else (the figures, the stored due times, the explanation,
the thresholds crossed) is derived here with the engine in :mod:`itsm.sla.clock`, whose
docstring states the rules for stopped clocks and for exactly 100 %.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

from itsm.models import SlaPolicy
from itsm.sla.calendar import CalendarSpec
from itsm.sla.clock import ClockState, Pause, compute_clock, is_past, thresholds_at
from itsm.sla.models import THRESHOLDS, SlaClock
from itsm.sla.spec import calendar_spec

DUE_FIELDS = {clock: f"{clock}_due_at" for clock in SlaClock.values}
STORED_FIELDS = [*DUE_FIELDS.values(), "sla_next_check_at"]
POLICY_RELATED = ("targets", "calendar__working_hours", "calendar__holidays")


@dataclass(frozen=True)
class ClockThresholds:
    """One clock's due time and threshold instants (None: an open pause holds it short)."""

    stopped_at: datetime | None
    due_at: datetime | None
    instants: Mapping[str, datetime | None]


@dataclass(frozen=True)
class PolicyRules:
    """A policy's calendar and its targets per priority, built once per policy instance."""

    spec: CalendarSpec
    targets: Mapping[int, Mapping[str, timedelta]]


def policy_rules(policy: SlaPolicy) -> PolicyRules:
    """The rules of ``policy``; prefetch :data:`POLICY_RELATED` to build them without queries."""
    rules = getattr(policy, "_sla_rules", None)
    if rules is None:
        targets = {
            target.priority: {
                SlaClock.RESPONSE: timedelta(minutes=target.response_minutes),
                SlaClock.RESOLUTION: timedelta(minutes=target.resolution_minutes),
            }
            for target in policy.targets.all()
        }
        rules = PolicyRules(spec=calendar_spec(policy.calendar), targets=targets)
        policy._sla_rules = rules
    return rules


def policies_by_pk(pks) -> dict[int, SlaPolicy]:
    """Policies with what :func:`policy_rules` reads: four queries whatever their number."""
    policies = SlaPolicy.objects.filter(pk__in=set(pks)).select_related("calendar")
    return {policy.pk: policy for policy in policies.prefetch_related(*POLICY_RELATED)}


def pause_code(status: str, hold_reason: str = "") -> str:
    return f"{status}:{hold_reason}" if hold_reason else status


def pauses_clock(policy: SlaPolicy | None, status: str, hold_reason: str = "") -> bool:
    """Whether ``policy`` pauses the clocks in ``status`` (or ``status:hold_reason``)."""
    if policy is None:
        return False
    return status in policy.pause_on or pause_code(status, hold_reason) in policy.pause_on


@dataclass(frozen=True)
class RecordSla:
    """Which fields of a record type drive its SLA clocks.

    ``starts`` starts both clocks; ``stops[clock]`` stops one clock; reaching one of the
    ``end_statuses`` stops every clock still running at ``ended_at``. ``open_statuses``
    are the statuses in which the resolution clock may still run (for the admin's column
    and filters), ``pause_statuses`` those in which a policy may pause it.
    """

    model: type[models.Model]
    policy_kind: str
    starts: str
    stops: Mapping[str, str]
    ended_at: str
    end_statuses: frozenset[str]
    open_statuses: frozenset[str]
    pause_statuses: frozenset[str]
    status_field: str = "status"
    priority_field: str = "priority"
    pauses_name: str = "sla_pauses"
    events_name: str = "sla_events"

    def event_model(self) -> tuple[type[models.Model], str]:
        """The record type's SLA event model and the name of its foreign key to the record."""
        relation = self.model._meta.get_field(self.events_name)
        return relation.related_model, relation.field.name

    # --- policy -------------------------------------------------------------------------

    def default_policy(self) -> SlaPolicy | None:
        policy = SlaPolicy.objects.filter(kind=self.policy_kind, is_default=True)
        return policy.select_related("calendar").prefetch_related(*POLICY_RELATED).first()

    def targets(self, record) -> Mapping[str, timedelta] | None:
        if record.sla_policy_id is None:
            return None
        return policy_rules(record.sla_policy).targets.get(getattr(record, self.priority_field))

    # --- what the clocks are made of ----------------------------------------------------

    def stops_of(self, record) -> dict[str, datetime | None]:
        """When each clock stopped; reaching an end status stops every clock."""
        ended = None
        if getattr(record, self.status_field) in self.end_statuses:
            ended = getattr(record, self.ended_at)
        return {clock: getattr(record, field) or ended for clock, field in self.stops.items()}

    def pauses_of(self, record) -> list[Pause]:
        return [Pause(row.started_at, row.ended_at) for row in self._rows(record, self.pauses_name)]

    def recorded_events(self, record) -> set[tuple[str, str]]:
        return {(e.clock, e.kind) for e in self._rows(record, self.events_name)}

    def _rows(self, record, name: str) -> list:
        """The record's pause or event rows, read once per instance (a per-write memo).

        They are kept in the record's prefetch cache, where a list prefetch put them
        stays valid; :meth:`pause` and :meth:`end_pause` keep it in step with their writes.
        """
        if record.pk is None:
            return []
        cache = getattr(record, "_prefetched_objects_cache", {})
        if name not in cache:
            if not isinstance(record, models.Model):  # a stand-in that only lists its rows
                return list(getattr(record, name).all())
            models.prefetch_related_objects([record], name)
            cache = record._prefetched_objects_cache
        found = cache[name]
        if isinstance(found, list):  # rows held in memory (the bulk generator)
            return found
        return found._result_cache

    def hold_in_memory(self, record, *, pauses: list, events: list) -> None:
        """Keep ``record``'s pause and event rows in the given lists, never saved here.

        For a replay that stores the rows itself (the bulk generator): the clocks read
        the lists, and :meth:`pause` and :meth:`end_pause` change them and the rows in
        them without saving.
        """
        record._prefetched_objects_cache = {self.pauses_name: pauses, self.events_name: events}
        record._sla_in_memory = True

    # --- pauses -------------------------------------------------------------------------

    def pause(self, record, *, reason: str, started_at: datetime, ended_at=None):
        """Store a pause of ``record``'s clocks (open while ``ended_at`` is None)."""
        relation = record._meta.get_field(self.pauses_name)
        row = relation.related_model(
            **{relation.field.name: record},
            reason=reason,
            started_at=started_at,
            ended_at=ended_at,
        )
        rows = self._rows(record, self.pauses_name)
        if not getattr(record, "_sla_in_memory", False):
            row.save()
        rows.append(row)
        return row

    def end_pause(self, record, at: datetime):
        """End the record's open pause at ``at``; the pause, or None when none is open."""
        row = next((p for p in self._rows(record, self.pauses_name) if p.ended_at is None), None)
        if row is not None:
            row.ended_at = at
            if not getattr(record, "_sla_in_memory", False):
                row.save(update_fields=["ended_at"])
        return row

    # --- reading ------------------------------------------------------------------------

    def clocks(self, record, *, now=None) -> dict[str, ClockState]:
        """Every clock as of ``now``; empty when the record has no SLA policy or target."""
        targets = self.targets(record)
        if targets is None:
            return {}
        now = now or timezone.now()
        started = getattr(record, self.starts)
        spec = policy_rules(record.sla_policy).spec
        pauses = self.pauses_of(record)
        stops = self.stops_of(record)
        return {
            clock: compute_clock(
                spec,
                started_at=started,
                target=target,
                pauses=pauses,
                now=max(now, started),
                stopped_at=stops[clock],
            )
            for clock, target in targets.items()
        }

    def explain(self, record, *, now=None) -> dict:
        """How each figure was reached: target, counted and paused business intervals."""
        result = {}
        for clock, state in self.clocks(record, now=now).items():
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

    def thresholds(self, record) -> dict[str, ClockThresholds]:
        """When each clock reaches its due time and each threshold, and when it stopped."""
        targets = self.targets(record)
        if targets is None:
            return {}
        spec = policy_rules(record.sla_policy).spec
        pauses = self.pauses_of(record)
        stops = self.stops_of(record)
        started = getattr(record, self.starts)
        found = {}
        for clock, target in targets.items():
            due, *instants = thresholds_at(
                spec,
                started_at=started,
                target=target,
                pauses=pauses,
                fractions=[1.0, *THRESHOLDS.values()],
                stopped_at=stops[clock],
            )
            found[clock] = ClockThresholds(
                stops[clock], due, dict(zip(THRESHOLDS, instants, strict=True))
            )
        return found

    def crossed(self, record, *, now, recorded, thresholds=None) -> list[tuple[str, str, datetime]]:
        """(clock, kind, instant) for each threshold not in ``recorded`` the record has passed.

        A threshold is passed when the clock ran past the instant it was reached
        (:func:`itsm.sla.clock.is_past`), up to its stop if it has stopped.
        ``thresholds`` saves recomputing what :meth:`thresholds` returned.
        """
        thresholds = self.thresholds(record) if thresholds is None else thresholds
        return [
            (clock, kind, instant)
            for clock, clock_thresholds in thresholds.items()
            for kind, instant in clock_thresholds.instants.items()
            if (clock, kind) not in recorded
            and is_past(instant, clock_thresholds.stopped_at or now)
        ]

    # --- the stored fields --------------------------------------------------------------

    def refresh(self, record, *, recorded=None, thresholds=None) -> list[str]:
        """Recompute the stored due times and the next check; return the changed field names.

        ``recorded`` is the set of (clock, kind) events already on record (read from the
        record when not given); thresholds already recorded are never scheduled again.

        The next check is the earliest threshold not yet recorded: a future one of a
        running clock, or one a clock already passed (before its stop, or before the open
        pause that now holds it) that the job has not recorded yet; then the check is in
        the past and the next run records it, so the events always agree with the
        clocks. A threshold an open pause holds the clock short of, or one a stopped
        clock never reached, is never scheduled.
        """
        if recorded is None:
            recorded = self.recorded_events(record)
        thresholds = self.thresholds(record) if thresholds is None else thresholds
        before = {name: getattr(record, name) for name in STORED_FIELDS}
        for name in STORED_FIELDS:
            setattr(record, name, None)
        upcoming = []
        for clock, clock_thresholds in thresholds.items():
            setattr(record, DUE_FIELDS[clock], clock_thresholds.due_at)
            stop = clock_thresholds.stopped_at
            for kind, instant in clock_thresholds.instants.items():
                if (clock, kind) not in recorded and (stop is None or is_past(instant, stop)):
                    upcoming.append(instant)
        record.sla_next_check_at = min((t for t in upcoming if t), default=None)
        return [name for name, value in before.items() if getattr(record, name) != value]
