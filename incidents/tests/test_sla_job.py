"""The SLA job in batches: how it saves, what it costs, how far a run goes and resumes.

``clock`` starts on Monday 2026-03-02 09:00 UTC; the default policy counts Mon-Fri
09:00-17:00 UTC. A P3 has a 2 h response target: its warning is due at 10:30.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from incidents import services
from incidents.models import Incident, SlaEvent
from incidents.sla import INCIDENT_SLA
from incidents.tasks import incident_sla_check
from incidents.tests.factories import make_incident, network_team
from itsm import bulk
from itsm.audit import system_user
from itsm.errors import Refused
from itsm.sla import jobs
from itsm.testing.queries import assert_constant_queries

UTC = dt.UTC
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WARNING_DUE = dt.datetime(2026, 3, 2, 10, 31, tzinfo=UTC)
# The system user, then per batch: the locked rows, the policies with targets, hours and
# holidays (4), pauses, events, the events and their history (2), the records and their
# history (2), the watchers snapshot (2); and the savepoint pair of the batch transaction.
JOB_BUDGET = 17


def p3(reporter):
    return make_incident(reporter=reporter, impact="low", urgency="high")


def run(now, **kwargs):
    return jobs.record_due(INCIDENT_SLA, now=now, actor=system_user(), **kwargs)


@pytest.mark.django_db
class TestSave:
    def test_the_job_bumps_version_and_updated_at_and_names_the_system_actor(self, emma, clock):
        incident = p3(emma)
        clock.now = WARNING_DUE

        assert incident_sla_check() == 1

        saved = Incident.objects.get(pk=incident.pk)
        assert saved.version == incident.version + 1
        assert saved.updated_at == WARNING_DUE
        row = saved.history.first()
        assert row.history_change_reason == "sla: warning response"
        assert row.history_user == system_user()
        assert (row.version, row.history_transition) == (saved.version, "")
        event = SlaEvent.objects.get()
        assert event.history.get().history_change_reason == "sla_warning: response"

    def test_the_history_rows_hold_the_rows_as_saved(self, emma, clock):
        p3(emma)
        clock.now = WARNING_DUE

        incident_sla_check()

        for record in (Incident.objects.get(), SlaEvent.objects.get()):
            row = record.history.first()
            for field in type(row).tracked_fields:
                assert getattr(row, field.attname) == getattr(record, field.attname), field.name
            assert row.history_date == WARNING_DUE
        assert SlaEvent.objects.get().history.get().history_type == "+"
        assert Incident.objects.get().history.first().history_type == "~"

    def test_the_history_row_keeps_the_watchers(self, emma, eli, clock):
        incident = p3(emma)
        services.incident_watch(incident_id=incident.pk, actor=eli)
        clock.now = WARNING_DUE

        incident_sla_check()

        new, previous = Incident.history.filter(id=incident.pk).order_by("-history_id")[:2]
        assert [link.user for link in new.watchers.all()] == [eli]
        assert "watchers" not in new.diff_against(previous).changed_fields

    def test_a_stale_edit_after_the_job_is_refused(self, emma, sam, clock):
        incident = p3(emma)
        clock.now = WARNING_DUE
        incident_sla_check()

        with pytest.raises(Refused) as refused:
            services.incident_update(
                incident_id=incident.pk,
                actor=sam,
                changes={"title": "Edited from a stale form"},
                expected_version=incident.version,
            )
        assert refused.value.code == "stale_version"


@pytest.mark.django_db
class TestBatches:
    def test_query_count_does_not_grow_with_due_records(self, emma, clock):
        system_user()

        def make_rows(count):
            clock.now = MONDAY
            for _ in range(count):
                p3(emma)

        def run_job():
            clock.now = WARNING_DUE
            incident_sla_check()

        # Up to 12 rows: SQLite splits an INSERT past 999 parameters (~20 incident history
        # rows), PostgreSQL does not.
        count = assert_constant_queries(make_rows, run_job, small=3, large=12)
        assert count <= JOB_BUDGET
        assert SlaEvent.objects.count() == 12

    def test_rows_beyond_one_statement_are_written_in_several(self, emma, clock, monkeypatch):
        monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", 2)
        incidents = [p3(emma) for _ in range(5)]
        clock.now = WARNING_DUE

        assert incident_sla_check() == 5

        assert SlaEvent.history.count() == SlaEvent.objects.count() == 5
        for incident in incidents:
            saved = Incident.objects.get(pk=incident.pk)
            assert saved.version == incident.version + 1
            assert saved.history.first().version == saved.version

    def test_a_run_is_bounded_and_the_next_run_resumes(self, emma, clock):
        incidents = [p3(emma) for _ in range(5)]
        clock.now = WARNING_DUE

        first = run(WARNING_DUE, limit=2, batch_size=1)
        second = run(WARNING_DUE, limit=10, batch_size=2)
        third = run(WARNING_DUE)

        assert (first.handled, second.handled, third.handled) == (2, 3, 0)
        recorded = {event.record.pk for event in first.events}
        assert recorded == {incidents[0].pk, incidents[1].pk}  # the oldest due first
        assert SlaEvent.objects.filter(kind="warning").count() == 5
        assert len(first.events) + len(second.events) == 5

    def test_a_record_still_due_after_its_turn_is_not_taken_twice_in_a_run(self, emma, clock):
        incident = p3(emma)
        exactly = Incident.objects.get(pk=incident.pk).sla_next_check_at  # the warning instant
        clock.now = exactly

        outcome = run(exactly, limit=10, batch_size=1)

        assert outcome.handled == 1 and outcome.events == []
        assert not SlaEvent.objects.exists()  # reached, not yet passed
        assert run(exactly + dt.timedelta(seconds=1)).events[0].kind == "warning"

    def test_each_threshold_is_recorded_once_whatever_the_batching(self, emma, clock):
        for _ in range(4):
            p3(emma)
        late = dt.datetime(2026, 3, 5, 9, 0, tzinfo=UTC)  # past every P3 threshold
        clock.now = late

        run(late, batch_size=3)
        run(late, batch_size=1)

        assert SlaEvent.objects.count() == 4 * 4
        assert not Incident.objects.filter(sla_next_check_at__isnull=False).exists()


def _hold_lock(incident_id, locked: threading.Event, release: threading.Event):
    try:
        with transaction.atomic():
            Incident.objects.select_for_update().get(pk=incident_id)
            locked.set()
            release.wait(timeout=10)
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_row_someone_is_editing_is_skipped_and_taken_next_run(people, clock):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent connections")
    busy, free = p3(people["emma"]), p3(people["emma"])
    clock.now = WARNING_DUE
    locked, release = threading.Event(), threading.Event()
    editor = threading.Thread(target=_hold_lock, args=(busy.pk, locked, release))
    editor.start()
    assert locked.wait(timeout=10)

    try:
        first = run(WARNING_DUE)
    finally:
        release.set()
        editor.join(timeout=10)
    second = run(WARNING_DUE)

    assert [event.record.pk for event in first.events] == [free.pk]
    assert [event.record.pk for event in second.events] == [busy.pk]


@pytest.mark.django_db
def test_a_breach_recorded_after_the_resolution_is_not_escalated(emma, ravi, sam, clock, caplog):
    incident = make_incident(reporter=emma, impact="high", urgency="high")  # P1: 4 h
    services.incident_transition(
        incident_id=incident.pk, name="assign", actor=sam, group=network_team(), assignee=ravi
    )
    clock.now = MONDAY + dt.timedelta(hours=5)  # the job was down past the 13:00 due time
    services.incident_transition(
        incident_id=incident.pk,
        name="resolve",
        actor=ravi,
        resolution_code="workaround",
        resolution_notes="Restarted.",
    )

    incident_sla_check()

    breach = SlaEvent.objects.get(clock="resolution", kind="breach")
    assert breach.occurred_at == MONDAY + dt.timedelta(hours=4)
    assert not Incident.history.filter(history_transition="escalate_to_manager").exists()
    assert "escalation skipped" not in caplog.text
