"""SLA clocks on real incidents: business calendars, pauses, priority changes, the job.

The default policy counts Mon-Fri 09:00-17:00 UTC; P1 = 15 min response / 4 h
resolution, P3 = 2 h / 24 business hours. ``clock`` starts on Monday 2026-03-02 09:00 UTC.
"""

import datetime as dt

import pytest
from django.core import mail

from incidents import services, sla
from incidents.models import SlaEvent
from incidents.tasks import incident_sla_check
from incidents.tests.factories import make_incident, network_team
from itsm.models import BusinessCalendar, Holiday, SlaPolicy, WorkingHours

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(*args, tz=UTC):
    return dt.datetime(*args, tzinfo=tz)


def p1(reporter):
    return make_incident(reporter=reporter, impact="high", urgency="high")


def test_targets_from_the_policy(emma, clock):
    incident = make_incident(reporter=emma, impact="low", urgency="high")
    assert incident.priority == 3
    assert incident.response_due_at == at(2026, 3, 2, 11, 0)
    assert incident.resolution_due_at == at(2026, 3, 4, 17, 0)


def test_across_a_weekend(emma, clock):
    clock.now = at(2026, 3, 6, 16, 0)  # Friday
    incident = p1(emma)
    assert incident.response_due_at == at(2026, 3, 6, 16, 15)
    assert incident.resolution_due_at == at(2026, 3, 9, 12, 0)


def test_across_a_holiday(emma, clock):
    calendar = SlaPolicy.objects.get(is_default=True, kind="incident").calendar
    Holiday.objects.create(
        calendar=calendar,
        name="Spring holiday",
        first_day=dt.date(2026, 3, 9),
        last_day=dt.date(2026, 3, 9),
    )
    clock.now = at(2026, 3, 6, 16, 0)
    assert p1(emma).resolution_due_at == at(2026, 3, 10, 12, 0)


def test_reported_outside_working_hours(emma, clock):
    clock.now = at(2026, 3, 7, 10, 0)  # Saturday
    incident = p1(emma)
    assert incident.response_due_at == at(2026, 3, 9, 9, 15)
    assert incident.resolution_due_at == at(2026, 3, 9, 13, 0)


def _work_on(incident, agent, desk):
    services.incident_transition(
        incident_id=incident.pk, name="assign", actor=desk, group=network_team(), assignee=agent
    )
    return services.incident_transition(incident_id=incident.pk, name="start", actor=agent)


def _hold(incident, agent, reason="awaiting_caller"):
    return services.incident_transition(
        incident_id=incident.pk, name="hold", actor=agent, hold_reason=reason
    )


def _resume(incident, agent):
    return services.incident_transition(incident_id=incident.pk, name="resume", actor=agent)


def test_two_pauses_accumulate(emma, ravi, sam, clock):
    incident = _work_on(p1(emma), ravi, sam)
    clock.now = at(2026, 3, 2, 10, 0)
    held = _hold(incident, ravi)
    assert held.resolution_due_at is None and held.sla_next_check_at is None
    clock.now = at(2026, 3, 2, 11, 0)
    assert _resume(incident, ravi).resolution_due_at == at(2026, 3, 2, 14, 0)
    clock.now = at(2026, 3, 2, 12, 0)
    _hold(incident, ravi, "awaiting_vendor")
    clock.now = at(2026, 3, 2, 12, 30)
    resumed = _resume(incident, ravi)
    assert resumed.resolution_due_at == at(2026, 3, 2, 14, 30)
    state = sla.clocks(resumed)["resolution"]
    assert state.paused == dt.timedelta(hours=1, minutes=30)
    assert state.elapsed == dt.timedelta(hours=2)


def test_a_hold_reason_the_policy_does_not_name_keeps_the_clock_running(emma, ravi, sam, clock):
    incident = _work_on(p1(emma), ravi, sam)
    clock.now = at(2026, 3, 2, 10, 0)
    held = _hold(incident, ravi, "awaiting_change")
    assert held.resolution_due_at == at(2026, 3, 2, 13, 0)
    assert not held.sla_pauses.exists()


def test_priority_raised_after_a_pause_keeps_elapsed_and_paused_time(emma, ravi, sam, clock):
    incident = _work_on(make_incident(reporter=emma, impact="low", urgency="high"), ravi, sam)
    clock.now = at(2026, 3, 2, 10, 0)
    _hold(incident, ravi)
    clock.now = at(2026, 3, 2, 11, 0)
    _resume(incident, ravi)
    clock.now = at(2026, 3, 2, 12, 0)
    raised = services.incident_update(
        incident_id=incident.pk, actor=sam, changes={"impact": "high"}
    )
    assert raised.priority == 1
    # 4 business hours from 09:00 plus the hour on hold: not restarted at 12:00.
    assert raised.resolution_due_at == at(2026, 3, 2, 14, 0)
    state = sla.clocks(raised)["resolution"]
    assert state.elapsed == dt.timedelta(hours=2) and state.paused == dt.timedelta(hours=1)


def test_time_spent_resolved_does_not_count_after_a_rejection(emma, ravi, sam, clock):
    incident = _work_on(p1(emma), ravi, sam)
    clock.now = at(2026, 3, 2, 10, 0)
    services.incident_transition(
        incident_id=incident.pk,
        name="resolve",
        actor=ravi,
        resolution_code="workaround",
        resolution_notes="Cleared cache.",
    )
    clock.now = at(2026, 3, 2, 12, 0)
    reopened = services.incident_transition(
        incident_id=incident.pk, name="reject", actor=emma, reason="Still broken."
    )
    assert reopened.resolution_due_at == at(2026, 3, 2, 15, 0)


def _use_calendar(time_zone):
    calendar = BusinessCalendar.objects.create(name=f"Office {time_zone}", time_zone=time_zone)
    for weekday in range(5):
        WorkingHours.objects.create(
            calendar=calendar, weekday=weekday, start=dt.time(9), end=dt.time(17)
        )
    policy = SlaPolicy.objects.get(is_default=True, kind="incident")
    policy.calendar = calendar
    policy.save()


def test_calendar_in_another_time_zone(emma, clock):
    _use_calendar("America/New_York")
    clock.now = at(2026, 3, 2, 13, 0)  # 08:00 in New York
    assert p1(emma).resolution_due_at == at(2026, 3, 2, 18, 0)


def test_dst_change_weekend(emma, clock):
    _use_calendar("America/New_York")
    clock.now = at(2026, 3, 6, 21, 0)  # Friday 16:00 EST; clocks go forward on Sunday
    # One hour on Friday, three on Monday from 09:00 EDT (13:00 UTC).
    assert p1(emma).resolution_due_at == at(2026, 3, 9, 16, 0)


def test_explain_shows_counted_and_paused_intervals(emma, ravi, sam, clock):
    incident = _work_on(p1(emma), ravi, sam)
    clock.now = at(2026, 3, 2, 10, 0)
    _hold(incident, ravi)
    clock.now = at(2026, 3, 2, 10, 30)
    incident = _resume(incident, ravi)
    clock.now = at(2026, 3, 2, 11, 0)
    figures = sla.explain(incident)["resolution"]
    assert figures["target_minutes"] == 240
    assert figures["elapsed_minutes"] == 90 and figures["paused_minutes"] == 30
    assert figures["counted"] == [
        {"start": at(2026, 3, 2, 9, 0), "end": at(2026, 3, 2, 10, 0)},
        {"start": at(2026, 3, 2, 10, 30), "end": at(2026, 3, 2, 11, 0)},
    ]
    assert figures["paused"] == [{"start": at(2026, 3, 2, 10, 0), "end": at(2026, 3, 2, 10, 30)}]


class TestSlaJob:
    def test_warning_and_breach_recorded_once_and_notified_once(
        self, emma, ravi, sam, clock, django_capture_on_commit_callbacks
    ):
        incident = _work_on(make_incident(reporter=emma, impact="low", urgency="high"), ravi, sam)
        mail.outbox.clear()
        clock.now = at(2026, 3, 4, 11, 1)  # 75 % of 24 business hours is Wed 11:00
        with django_capture_on_commit_callbacks(execute=True):
            assert incident_sla_check() == 1
            assert incident_sla_check() == 0
        assert list(SlaEvent.objects.values_list("clock", "kind")) == [("resolution", "warning")]
        event = SlaEvent.objects.get()
        assert event.occurred_at == at(2026, 3, 4, 11, 0)
        assert [m.to for m in mail.outbox] == [["ravi@example.com"]]
        clock.now = at(2026, 3, 4, 17, 1)
        with django_capture_on_commit_callbacks(execute=True):
            incident_sla_check()
            incident_sla_check()
        assert SlaEvent.objects.filter(kind="breach", clock="resolution").count() == 1
        assert len(mail.outbox) == 2
        incident.refresh_from_db()
        assert incident.sla_next_check_at is None

    def test_replayed_record_call_records_nothing_new(self, emma, clock):
        incident = p1(emma)
        clock.now = at(2026, 3, 2, 9, 20)
        first = services.incident_sla_record_due(incident_id=incident.pk)
        again = services.incident_sla_record_due(incident_id=incident.pk)
        assert ("response", "breach") in first and again == []
        assert SlaEvent.objects.count() == len(first)

    def test_p1_resolution_breach_escalates_to_the_group_manager(
        self, emma, ravi, sam, clock, django_capture_on_commit_callbacks
    ):
        incident = _work_on(p1(emma), ravi, sam)
        clock.now = at(2026, 3, 2, 13, 5)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            incident_sla_check()
        # Newest first: the escalation is written in the breach's own transaction, as the
        # transition writes it, before the job saves the record's SLA fields on top.
        reasons = list(incident.history.values_list("history_change_reason", flat=True)[:2])
        assert reasons[0].startswith("sla: ") and "breach resolution" in reasons[0]
        assert reasons[1] == "escalate_to_manager: resolution SLA breached"
        assert any("escalated" in m.subject for m in mail.outbox)

    def test_only_due_incidents_are_touched(self, emma, clock):
        due_soon = p1(emma)
        make_incident(reporter=emma, impact="low", urgency="low")  # P5: days away
        clock.now = at(2026, 3, 2, 9, 12)
        assert incident_sla_check() == 1
        assert set(SlaEvent.objects.values_list("incident", flat=True)) == {due_soon.pk}

    def test_paused_clocks_are_not_checked(self, emma, ravi, sam, clock):
        incident = _work_on(p1(emma), ravi, sam)
        _hold(incident, ravi)
        clock.now = at(2026, 3, 3, 9, 0)
        assert incident_sla_check() == 0
        assert not SlaEvent.objects.exists()


def test_a_met_response_keeps_its_due_time_through_a_later_hold(emma, ravi, sam, clock):
    incident = make_incident(reporter=emma, impact="low", urgency="high")  # P3: 2 h response
    assert incident.response_due_at == at(2026, 3, 2, 11, 0)
    clock.now = at(2026, 3, 2, 9, 30)
    _work_on(incident, ravi, sam)
    clock.now = at(2026, 3, 2, 10, 0)
    held = _hold(incident, ravi)
    assert held.response_due_at == at(2026, 3, 2, 11, 0)
    assert held.resolution_due_at is None


# --- Issue 6 section 6, through the incident service -------------------------------------


def test_a_met_response_keeps_its_due_time_after_the_hold_is_resumed(emma, ravi, sam, clock):
    incident = make_incident(reporter=emma, impact="low", urgency="high")  # P3: 2 h response
    clock.now = at(2026, 3, 2, 9, 30)
    _work_on(incident, ravi, sam)
    clock.now = at(2026, 3, 2, 10, 0)
    _hold(incident, ravi)
    clock.now = at(2026, 3, 2, 10, 30)
    resumed = _resume(incident, ravi)

    assert resumed.response_due_at == at(2026, 3, 2, 11, 0)
    figures = sla.explain(resumed)["response"]
    assert figures["due_at"] == at(2026, 3, 2, 11, 0) and figures["paused_minutes"] == 0


def test_a_response_met_by_resolving_keeps_its_due_time_after_a_rejection(emma, ravi, sam, clock):
    incident = make_incident(reporter=emma, impact="low", urgency="high")
    clock.now = at(2026, 3, 2, 9, 20)
    _work_on(incident, ravi, sam)
    services.incident_transition(
        incident_id=incident.pk,
        name="resolve",
        actor=ravi,
        resolution_code="workaround",
        resolution_notes="Cleared cache.",
    )
    clock.now = at(2026, 3, 2, 10, 0)
    reopened = services.incident_transition(
        incident_id=incident.pk, name="reject", actor=emma, reason="Still broken."
    )

    assert reopened.response_due_at == at(2026, 3, 2, 11, 0)
    # The resolution clock restarted: the 40 minutes spent resolved are paused.
    assert reopened.resolution_due_at == at(2026, 3, 5, 9, 40)


def _assign_to(incident, agent, desk):
    return services.incident_transition(
        incident_id=incident.pk, name="assign", actor=desk, group=network_team(), assignee=agent
    )


def test_a_p1_assigned_exactly_at_its_response_due_time_is_met_everywhere(
    emma, ravi, sam, clock, api_client
):
    incident = p1(emma)  # response due 09:15
    clock.now = at(2026, 3, 2, 9, 15)
    incident_sla_check()  # the job runs at the due time itself
    incident = _assign_to(incident, ravi, sam)
    clock.now = at(2026, 3, 2, 9, 16)
    incident_sla_check()

    events = set(SlaEvent.objects.filter(clock="response").values_list("kind", flat=True))
    assert events == {"warning"}
    assert sla.explain(incident)["response"]["breached"] is False
    api_client.force_login(sam)
    detail = api_client.get(f"/api/v1/incidents/{incident.pk}/").json()
    assert detail["sla"]["response"]["breached"] is False


def test_a_p1_assigned_a_minute_late_is_breached_everywhere_even_if_the_job_missed_it(
    emma, ravi, sam, clock, api_client
):
    incident = p1(emma)
    clock.now = at(2026, 3, 2, 9, 16)
    incident = _assign_to(incident, ravi, sam)  # the job did not run between 09:15 and now
    clock.now = at(2026, 3, 2, 9, 17)
    incident_sla_check()

    breach = SlaEvent.objects.get(clock="response", kind="breach")
    assert breach.occurred_at == at(2026, 3, 2, 9, 15)
    assert sla.explain(incident)["response"]["breached"] is True
    api_client.force_login(sam)
    detail = api_client.get(f"/api/v1/incidents/{incident.pk}/").json()
    assert detail["sla"]["response"]["breached"] is True


def test_working_hours_inside_the_skipped_hour_start_at_the_end_of_the_gap(emma, clock):
    calendar = BusinessCalendar.objects.create(name="Night shift", time_zone="Europe/Berlin")
    for weekday in range(7):
        WorkingHours.objects.create(
            calendar=calendar, weekday=weekday, start=dt.time(2, 15), end=dt.time(6)
        )
    policy = SlaPolicy.objects.get(is_default=True, kind="incident")
    policy.calendar = calendar
    policy.save()
    clock.now = at(2026, 3, 28, 12, 0)  # Saturday; Berlin springs forward on Sunday at 02:00
    incident = p1(emma)

    # Sunday's hours open at 03:00 CEST (01:00 UTC), not 03:15.
    assert incident.response_due_at == at(2026, 3, 29, 1, 15)
    # 3 h on Sunday, then 1 h from Monday 02:15 CEST (00:15 UTC).
    assert incident.resolution_due_at == at(2026, 3, 30, 1, 15)
