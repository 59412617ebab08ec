"""The SLA kit reads a record type only through its declaration (no database needed here).

A made-up request type names its fields differently from incidents: the clocks start at
``submitted_at``, stop at ``acknowledged_at`` and ``fulfilled_at``, and end when the
request is withdrawn. Calendar: UTC, Monday to Friday 09:00-17:00; Monday is 2026-03-02.
"""

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from itsm.sla.calendar import CalendarSpec
from itsm.sla.records import PolicyRules, RecordSla

H = timedelta(hours=1)
OFFICE = CalendarSpec(tz=ZoneInfo("UTC"), hours={d: ((time(9), time(17)),) for d in range(5)})
REQUEST_SLA = RecordSla(
    model=None,  # only the job reads the model
    policy_kind="request",
    starts="submitted_at",
    stops={"response": "acknowledged_at", "resolution": "fulfilled_at"},
    ended_at="withdrawn_at",
    end_statuses=frozenset({"withdrawn"}),
    open_statuses=frozenset({"submitted", "waiting"}),
    pause_statuses=frozenset({"waiting"}),
    pauses_name="waits",
    events_name="alerts",
)


def mon(hour, minute=0):
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


class Rows(list):
    def all(self):
        return self


def request(**fields):
    policy = SimpleNamespace(
        _sla_rules=PolicyRules(spec=OFFICE, targets={3: {"response": H, "resolution": 4 * H}})
    )
    values = {
        "pk": 1,
        "sla_policy_id": 7,
        "sla_policy": policy,
        "priority": 3,
        "status": "submitted",
        "submitted_at": mon(9),
        "acknowledged_at": None,
        "fulfilled_at": None,
        "withdrawn_at": None,
        "waits": Rows(),
        "alerts": Rows(),
        "response_due_at": None,
        "resolution_due_at": None,
        "sla_next_check_at": None,
    }
    return SimpleNamespace(**(values | fields))


def test_due_times_and_next_check_come_from_the_declared_fields():
    record = request()

    changed = REQUEST_SLA.refresh(record)

    assert set(changed) == {"response_due_at", "resolution_due_at", "sla_next_check_at"}
    assert (record.response_due_at, record.resolution_due_at) == (mon(10), mon(13))
    assert record.sla_next_check_at == mon(9, 45)  # the response warning


def test_the_declared_stop_and_pause_rows_are_read():
    wait = SimpleNamespace(started_at=mon(9, 30), ended_at=mon(10, 30))
    record = request(acknowledged_at=mon(9, 20), waits=Rows([wait]))

    clocks = REQUEST_SLA.clocks(record, now=mon(11))

    assert clocks["response"].stopped_at == mon(9, 20) and not clocks["response"].breached
    assert clocks["resolution"].paused == H
    assert clocks["resolution"].due_at == mon(14)


def test_an_end_status_stops_every_clock_at_the_declared_time():
    record = request(status="withdrawn", withdrawn_at=mon(10, 30))

    clocks = REQUEST_SLA.clocks(record, now=mon(16))

    assert {state.stopped_at for state in clocks.values()} == {mon(10, 30)}
    crossed = REQUEST_SLA.crossed(record, now=mon(16), recorded=set())
    assert crossed == [("response", "warning", mon(9, 45)), ("response", "breach", mon(10))]


def test_recorded_events_are_neither_crossed_again_nor_scheduled():
    alerts = Rows([SimpleNamespace(clock="response", kind="warning")])
    record = request(alerts=alerts)

    REQUEST_SLA.refresh(record)

    assert record.sla_next_check_at == mon(10)  # the response breach, not the warning
    assert REQUEST_SLA.crossed(record, now=mon(10, 1), recorded={("response", "warning")}) == [
        ("response", "breach", mon(10))
    ]
