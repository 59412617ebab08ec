"""The bulk generator writes exactly the rows the services write for the same input.

Each plan is replayed twice: once by the generator (in memory, stored with COPY or
INSERT) and once through the real services at the same moments (the clock is set to
each step's time, interactive steps run as a request by their actor). Every row of the
two incidents (the incident, its history rows with the watcher copies, SLA pauses and
events with their history, comments with theirs, watchers) must be equal, except for
primary keys and the record number.
"""

from collections import Counter
from types import SimpleNamespace

import pytest
from simple_history.models import HistoricalRecords

from incidents import services
from incidents.bulkgen import generate, make_builder, write
from incidents.bulkgen.build import WATCHER_HISTORY, Ids, Output
from incidents.bulkgen.cast import load_cast
from incidents.bulkgen.plan import COMMENT, CREATE, SLA_JOB, TRANSITION, WATCH, Planner
from incidents.choices import OPEN_STATUSES, Status
from incidents.models import Incident, IncidentComment, SlaEvent, SlaPause

pytestmark = [
    pytest.mark.django_db,
]

PLANS = 400


@pytest.fixture
def cast(db):
    return load_cast(people=60)


def features(steps) -> set[str]:
    found = {step.name or step.kind for step in steps}
    for step in steps:
        if step.kind == COMMENT:
            found.add(f"comment:{step.params.get('visibility', 'public')}")
        if step.kind == TRANSITION and step.actor.username == "system":
            found.add(f"system:{step.name}")
    return found


def varied_plans(cast, now) -> list:
    """A handful of plans that together use every kind of step and end in every status."""
    planner = Planner(cast, count=PLANS, now=now, seed=7)
    chosen, covered = [], set()
    for index in range(PLANS):
        plan = planner.plan(index)
        out = Output()
        dry = make_builder(cast, ids=Ids(write.next_ids()), out=out, numbers=_numbers(), now=now)
        steps = dry.build(plan)
        reasons = {row["history_change_reason"] for row in out.rows[Incident.history.model]}
        wanted = features(steps) | {f"status:{dry.incident.status}"}
        wanted |= {reason.split(":")[0] for reason in reasons if reason}
        if wanted - covered:
            chosen.append(plan)
            covered |= wanted
    return chosen, covered


def _numbers():
    return (f"INC9{n:06d}" for n in range(10**6))


def run_services(steps, clock) -> int:
    """The same steps through the services; returns the new incident's id."""
    incident_id = None
    for step in steps:
        clock.now = step.at
        HistoricalRecords.context.request = (
            None if step.kind == SLA_JOB else SimpleNamespace(user=step.actor)
        )
        try:
            if step.kind == CREATE:
                incident_id = services.incident_create(actor=step.actor, **step.params).pk
            elif step.kind == TRANSITION:
                services.incident_transition(
                    incident_id=incident_id, name=step.name, actor=step.actor, **step.params
                )
            elif step.kind == COMMENT:
                services.incident_comment_add(
                    incident_id=incident_id, actor=step.actor, **step.params
                )
            elif step.kind == WATCH:
                services.incident_watch(incident_id=incident_id, actor=step.actor)
            else:
                services.incident_sla_record_due(incident_id=incident_id, now=step.at)
        finally:
            del HistoricalRecords.context.request
    return incident_id


def rows(model, order, **lookup) -> list[dict]:
    return list(model.objects.filter(**lookup).order_by(order).values())


def snapshot(incident_id) -> dict:
    """Every row about one incident, without primary keys, record numbers or links by id."""
    history = rows(Incident.history.model, "history_id", id=incident_id)
    position = {row["history_id"]: index for index, row in enumerate(history)}
    watcher_history = [
        {**row, "history_id": position[row["history_id"]]}
        for row in rows(WATCHER_HISTORY, "m2m_history_id", incident_id=incident_id)
    ]
    found = {
        "incident": rows(Incident, "pk", pk=incident_id),
        "history": history,
        "watchers": rows(Incident.watchers.through, "pk", incident_id=incident_id),
        "watcher_history": watcher_history,
    }
    for model in (SlaPause, SlaEvent, IncidentComment):
        found[model.__name__] = rows(model, "pk", incident_id=incident_id)
        found[f"{model.__name__} history"] = rows(
            model.history.model, "history_id", incident_id=incident_id
        )
    ids = {"id", "history_id", "m2m_history_id", "incident_id", "number"}
    return {
        name: [{k: v for k, v in row.items() if k not in ids} for row in table]
        for name, table in found.items()
    }


def assert_same_rows(generated: dict, replayed: dict) -> None:
    """Table by table and row by row, naming the first column that differs."""
    assert generated.keys() == replayed.keys()
    for table, theirs in replayed.items():
        mine = generated[table]
        assert len(mine) == len(theirs), f"{table}: {len(mine)} generated, {len(theirs)} replayed"
        for index, (got, wanted) in enumerate(zip(mine, theirs, strict=True)):
            diff = {k: (got.get(k), wanted.get(k)) for k in wanted.keys() | got.keys()
                    if got.get(k) != wanted.get(k)}  # fmt: skip
            assert not diff, f"{table} row {index} (generated, services): {diff}"


def test_generated_rows_match_what_the_services_write(cast, clock):
    now = clock.now
    plans, covered = varied_plans(cast, now)
    # Every step kind and every end state is exercised, including the SLA job's events
    # and escalation, the nightly close and a pausing hold.
    assert {"create", "assign", "start", "hold", "resume", "resolve", "confirm", "close",
            "cancel", "watch", "comment:public", "comment:internal", "sla_job",
            "escalate_to_manager", "system:close", "responded"} <= covered  # fmt: skip
    assert {f"status:{status}" for status in Status.values} <= covered

    numbers = _numbers()
    for plan in plans:
        out = Output()
        builder = make_builder(cast, ids=Ids(write.next_ids()), out=out, numbers=numbers, now=now)
        steps = builder.build(plan)
        write.write_all(out.rows)
        generated = builder.incident.pk

        replayed = run_services(steps, clock)
        clock.now = now

        assert_same_rows(snapshot(generated), snapshot(replayed))
        assert Incident.objects.get(pk=generated).number.startswith("INC")


def test_generate_writes_a_realistic_mix(cast):
    result = generate(incidents=300, people=60, batch=120)

    incidents = Incident.objects.filter(number__gte="INC0000001")
    statuses = Counter(incidents.values_list("status", flat=True))
    open_share = sum(statuses[s] for s in OPEN_STATUSES) / result.incidents
    assert result.incidents == incidents.count() == 300
    assert 0.2 < open_share < 0.4
    assert set(statuses) == set(Status.values)
    assert Incident.history.model.objects.count() > 3 * 300
    assert IncidentComment.objects.exists() and SlaEvent.objects.exists()
    assert incidents.filter(sla_policy__isnull=True).count() == 0
    numbers = sorted(incidents.values_list("number", flat=True))
    assert len(set(numbers)) == 300 and numbers[0] == "INC0000001"
    # New records continue after the generated ones: numbers and ids do not collide.
    last = max(incidents.values_list("pk", flat=True))
    fresh = services.incident_create(actor=cast.employees[0], title="After the bulk load")
    assert fresh.number == "INC0000301" and fresh.pk == last + 1
