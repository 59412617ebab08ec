"""The readable incident timeline, built from history rows and comments."""

import pytest

from incidents import services
from incidents.choices import Status
from incidents.tests.factories import incident_in, make_incident, network_team
from incidents.timeline import build_timeline

pytestmark = pytest.mark.django_db


def kinds(entries) -> list[str]:
    return [entry.kind for entry in entries]


def run(incident, name, actor, **params):
    return services.incident_transition(incident_id=incident.pk, name=name, actor=actor, **params)


def test_a_full_lifecycle_reads_step_by_step(emma, sam, ravi):
    incident = incident_in(Status.CLOSED, reporter=emma, agent=ravi, desk=sam)

    entries = build_timeline(incident=incident, user=emma)

    assert kinds(entries) == ["reported", "assigned", "started", "resolved", "confirmed", "closed"]
    assert [e.title for e in entries] == [
        "Reported",
        "Assigned to Network Operations, Ravi Resolver",
        "Work started",
        "Resolved",
        "Resolution confirmed",
        "Closed",
    ]
    assert [e.actor for e in entries] == [
        "Emma Employee",
        "Ravi Resolver",
        "Ravi Resolver",
        "Ravi Resolver",
        "Emma Employee",
        "Sam Servicedesk",
    ]
    resolved = entries[3]
    assert resolved.detail == "Solved (workaround)"
    assert "Restarted." in resolved.body


def test_hold_resume_and_reject_are_named_with_their_reasons(emma, sam, ravi):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    run(incident, "hold", ravi, hold_reason="awaiting_vendor")
    run(incident, "resume", ravi)
    run(incident, "resolve", ravi, resolution_code="workaround", resolution_notes="Rebooted")
    run(incident, "reject", emma, reason="It jams again")

    entries = build_timeline(incident=incident, user=emma)

    assert kinds(entries)[-4:] == ["on_hold", "resumed", "resolved", "rejected"]
    assert entries[-4].detail == "Awaiting vendor"
    assert entries[-1].title == "Resolution rejected"
    assert entries[-1].detail == "It jams again"


def test_changes_without_a_step_add_no_entry(emma, sam, ravi):
    incident = make_incident(reporter=emma)
    services.incident_update(incident_id=incident.pk, actor=emma, changes={"title": "New title"})
    services.incident_watch(incident_id=incident.pk, actor=sam)

    assert kinds(build_timeline(incident=incident, user=sam)) == ["reported"]


def test_reassignment_and_escalation_are_shown(emma, sam, ravi):
    incident = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    run(incident, "escalate", ravi)

    entries = build_timeline(incident=incident, user=emma)

    assert entries[-1].kind == "assigned"
    assert entries[-1].title == "Escalated to Network Engineering (tier 3)"


def test_employees_never_get_work_notes(emma, sam):
    incident = make_incident(reporter=emma)
    services.incident_comment_add(
        incident_id=incident.pk, actor=sam, body="internal-canary", visibility="internal"
    )
    services.incident_comment_add(incident_id=incident.pk, actor=sam, body="Public **reply**")

    employee = build_timeline(incident=incident, user=emma)
    staff = build_timeline(incident=incident, user=sam)

    assert kinds(employee) == ["reported", "comment"]
    assert "<strong>reply</strong>" in employee[-1].body
    assert not any("internal-canary" in (e.body or "") for e in employee)
    assert kinds(staff) == ["reported", "work_note", "comment"]
    assert staff[1].internal and "internal-canary" in staff[1].body


def test_comments_and_steps_are_in_time_order(emma, sam, ravi):
    incident = make_incident(reporter=emma)
    services.incident_comment_add(incident_id=incident.pk, actor=emma, body="first")
    run(incident, "assign", sam, group=network_team(), assignee=ravi)
    services.incident_comment_add(incident_id=incident.pk, actor=ravi, body="second")

    entries = build_timeline(incident=incident, user=emma)

    assert kinds(entries) == ["reported", "comment", "assigned", "comment"]
    whens = [e.when for e in entries]
    assert whens == sorted(whens)


def test_resolution_notes_are_sanitized(emma, sam, ravi):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    run(
        incident,
        "resolve",
        ravi,
        resolution_code="workaround",
        resolution_notes="<script>alert(1)</script>[x](javascript:alert(1))",
    )

    resolved = build_timeline(incident=incident, user=emma)[-1]

    assert "<script" not in resolved.body
    # The unsafe link is shown as its source text, never as a link.
    assert "<a" not in resolved.body
