"""The SLA job: record each threshold a record's clocks have passed, once, in batches.

Every minute the job takes the records whose ``sla_next_check_at`` has come, oldest
first, in batches of ``SLA_JOB_BATCH_SIZE`` and at most ``SLA_JOB_MAX_RECORDS`` per run.
A batch costs the same few queries whatever its size: the locked rows; their policies
with targets, working hours and holidays (built into calendars once per policy); their
pauses; their recorded events; one insert of the new events and their history; one
update of the records and their history. Each batch commits on its own, and a handled
record's next check moves past now, so a run stopped by the bound, a crash or a
deploy leaves the rest due for the next run. Rows someone is editing are skipped and
taken next run.

Per record the rules are the single-record ones: a threshold is recorded when the clock
ran past it (:func:`itsm.sla.clock.is_past`), at the instant it was reached, never twice;
the record is saved with a version bump and a history row naming the system actor; each
new event is notified (``sla_warning`` or ``sla_breach`` through the record type's
notifier, queued after commit). The record type's ``on_events`` hook sees each record
with new events inside the batch's transaction, once the events are stored and before
the record's SLA fields are saved: incidents escalate P1/P2 resolution breaches there,
each escalation the transition itself, so the escalation commits with the breach it
follows from (a crash cannot record the one without the other) and writes the history
row the transition writes when a person runs it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from itsm.audit import record_change
from itsm.bulk import create_records_with_history, lock_records, save_records_with_history
from itsm.notifications import notify_on_commit
from itsm.sla.records import RecordSla, policies_by_pk
from itsm.writes import lock_record


@dataclass(frozen=True)
class NewEvent:
    record: models.Model
    clock: str
    kind: str


# Run inside the batch's transaction for a locked record with new events; returns the
# record as a transition saved it (the job then saves its SLA fields on top), or None.
OnEvents = Callable[[models.Model, list[NewEvent]], models.Model | None]


@dataclass
class JobRun:
    """What one run did: how many due records it handled and the events it recorded."""

    handled: int = 0
    events: list[NewEvent] = field(default_factory=list)


def record_due(
    sla: RecordSla,
    *,
    now: datetime,
    actor,
    on_events: OnEvents | None = None,
    limit: int | None = None,
    batch_size: int | None = None,
) -> JobRun:
    """Handle the records due by ``now`` (at most ``limit``), a batch per transaction."""
    limit = settings.SLA_JOB_MAX_RECORDS if limit is None else limit
    batch_size = settings.SLA_JOB_BATCH_SIZE if batch_size is None else batch_size
    due = sla.model.objects.filter(sla_next_check_at__lte=now).order_by("sla_next_check_at", "pk")
    run = JobRun()
    after = Q()
    while run.handled < limit:
        size = min(batch_size, limit - run.handled)
        with transaction.atomic():
            rows = lock_records(due.filter(after), limit=size)
            if not rows:
                break
            # Keyset on the order as read: a record left due (its threshold is exactly
            # now) is not taken twice in one run.
            last = rows[-1]
            after = Q(sla_next_check_at__gt=last.sla_next_check_at) | Q(
                sla_next_check_at=last.sla_next_check_at, pk__gt=last.pk
            )
            events = handle_locked(sla, rows, now=now, actor=actor, on_events=on_events)
        run.handled += len(rows)
        run.events += events
        if len(rows) < size:
            break
    return run


def record_one(
    sla: RecordSla,
    pk,
    *,
    now: datetime,
    actor,
    on_events: OnEvents | None = None,
) -> list[NewEvent]:
    """The job for one record, due or not (waits for its lock instead of skipping it)."""
    with transaction.atomic():
        record = lock_record(sla.model, pk)
        return handle_locked(sla, [record], now=now, actor=actor, on_events=on_events)


def handle_locked(
    sla: RecordSla,
    rows: list[models.Model],
    *,
    now: datetime,
    actor,
    on_events: OnEvents | None = None,
) -> list[NewEvent]:
    """Record the thresholds the locked ``rows`` have passed and reschedule them."""
    _load(sla, rows)
    event_model, record_field = sla.event_model()
    new_events, new_rows, crossed_by_record = [], [], {}
    for record in rows:
        recorded = sla.recorded_events(record)
        thresholds = sla.thresholds(record)
        crossed = sla.crossed(record, now=now, recorded=recorded, thresholds=thresholds)
        for clock, kind, instant in crossed:
            row = event_model(clock=clock, kind=kind, occurred_at=instant)
            setattr(row, record_field, record)
            record_change(row, actor, f"sla_{kind}: {clock}")
            new_rows.append(row)
            new_events.append(NewEvent(record, clock, kind))
            recorded.add((clock, kind))
        crossed_by_record[record.pk] = (crossed, recorded, thresholds)
    create_records_with_history(new_rows)
    for event in new_events:
        notify_on_commit(event.record, f"sla_{event.kind}", clock=event.clock)
    saved_by_hook = _run_hook(on_events, new_events) if on_events is not None else set()
    changes, fields = [], set()
    for record in rows:
        crossed, recorded, thresholds = crossed_by_record[record.pk]
        # A record a transition saved may have changed what its clocks depend on.
        if record.pk in saved_by_hook:
            thresholds = None
        changed = sla.refresh(record, recorded=recorded, thresholds=thresholds)
        if crossed or changed:
            what = ", ".join(f"{kind} {clock}" for clock, kind, _instant in crossed)
            changes.append((record, f"sla: {what or 'reschedule'}"))
            fields.update(changed or ["sla_next_check_at"])
    save_records_with_history(changes, actor=actor, fields=fields)
    return new_events


def _run_hook(on_events: OnEvents, new_events: list[NewEvent]) -> set:
    """``on_events`` per record; a record a transition saved takes the saved field values.

    Returns the primary keys of the records the hook saved.
    """
    by_record, saved_pks = {}, set()
    for event in new_events:
        by_record.setdefault(event.record.pk, (event.record, []))[1].append(event)
    for record, events in by_record.values():
        saved = on_events(record, events)
        if saved is not None:
            saved_pks.add(record.pk)
            for field in record._meta.concrete_fields:
                setattr(record, field.attname, getattr(saved, field.attname))
    return saved_pks


def _load(sla: RecordSla, rows: Iterable[models.Model]) -> None:
    """Attach policies (shared per batch), pauses and recorded events in a few queries."""
    rows = list(rows)
    policies = policies_by_pk(row.sla_policy_id for row in rows if row.sla_policy_id)
    for row in rows:
        if row.sla_policy_id:
            row.sla_policy = policies[row.sla_policy_id]
    models.prefetch_related_objects(rows, sla.pauses_name, sla.events_name)
