"""Resolving a problem resolves its open linked incidents through the incident service
(one history row and an SLA stop each); closed ones are reported and left untouched;
incidents on hold awaiting the problem are resumed and their assignees told."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from incidents import services as incident_services
from incidents.choices import ResolutionCode
from incidents.choices import Status as IncidentStatus
from incidents.tests.factories import incident_in
from itsm.audit import system_user
from itsm.workflow import TransitionNotAllowed
from problems import services
from problems.choices import Status
from problems.tests.factories import RESOLVE_INPUT, problem_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(people):
    """A problem in progress with an open, a closed and an on-hold incident linked."""
    emma, ravi, sam = people["emma"], people["ravi"], people["sam"]
    problem = problem_in(Status.FIX_IN_PROGRESS)
    incidents = {
        status: incident_in(status, reporter=emma, agent=ravi, desk=sam)
        for status in (IncidentStatus.IN_PROGRESS, IncidentStatus.CLOSED)
    }
    waiting = incident_in(IncidentStatus.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    waiting = incident_services.incident_transition(
        incident_id=waiting.pk, name="hold", actor=ravi, hold_reason="awaiting_problem"
    )
    incidents["waiting"] = waiting
    services.problem_link_incidents(
        problem_id=problem.pk,
        incident_ids=[i.pk for i in incidents.values()],
        actor=people["pat"],
    )
    return problem, {key: type(i).objects.get(pk=i.pk) for key, i in incidents.items()}


def _rows(incident) -> int:
    return incident.history.count()


def test_resolving_with_incidents_resolves_each_through_the_incident_service(linked, pat):
    problem, incidents = linked
    before = {key: _rows(i) for key, i in incidents.items()}

    resolved = services.problem_transition(
        problem_id=problem.pk,
        name="resolve",
        actor=pat,
        linked_incidents="resolve",
        **RESOLVE_INPUT,
    )

    open_one, closed, waiting = (
        type(i).objects.get(pk=i.pk)
        for i in (incidents["in_progress"], incidents["closed"], incidents["waiting"])
    )
    for incident, key in ((open_one, "in_progress"), (waiting, "waiting")):
        assert incident.status == IncidentStatus.RESOLVED
        assert incident.resolution_code == ResolutionCode.SOLVED_BY_PROBLEM
        assert problem.number in incident.resolution_notes
        assert _rows(incident) == before[key] + 1
        row = incident.history.latest()
        assert row.history_transition == "resolve"
        # Pat is no agent: the system user resolves, and the reason names who asked.
        assert row.history_user == system_user()
        assert f"{problem.number} (by pat)" in row.history_change_reason
        # The SLA resolution clock stopped: no more checks are due.
        assert incident.resolved_at is not None and incident.sla_next_check_at is None
        assert incident.hold_reason == ""
    assert closed.status == IncidentStatus.CLOSED
    assert _rows(closed) == before["closed"]
    report = resolved.linked_report
    assert sorted(report.resolved) == sorted([open_one.number, waiting.number])
    assert report.skipped == [(closed.number, f"{closed.number} is closed.")]


def test_leaving_incidents_resumes_only_those_awaiting_the_problem(
    linked, pat, mailoutbox, django_capture_on_commit_callbacks
):
    problem, incidents = linked

    with django_capture_on_commit_callbacks(execute=True):
        resolved = services.problem_transition(
            problem_id=problem.pk,
            name="resolve",
            actor=pat,
            linked_incidents="leave",
            **RESOLVE_INPUT,
        )

    open_one = type(incidents["in_progress"]).objects.get(pk=incidents["in_progress"].pk)
    waiting = type(open_one).objects.get(pk=incidents["waiting"].pk)
    assert open_one.status == IncidentStatus.IN_PROGRESS
    assert open_one.history.count() == incidents["in_progress"].history.count()
    assert (waiting.status, waiting.hold_reason) == (IncidentStatus.IN_PROGRESS, "")
    assert waiting.history.latest().history_transition == "resume"
    assert resolved.linked_report.resumed == [waiting.number]
    told = [m for m in mailoutbox if "awaiting this problem was resumed" in m.subject]
    assert [m.to for m in told] == [[waiting.assignee.email]]


def test_a_refused_incident_is_reported_and_the_others_still_resolve(linked, pat, monkeypatch):
    problem, incidents = linked
    from problems import linked as follow_up

    real = follow_up.incident_transition

    def refuse_waiting(*, incident_id, **kwargs):
        if incident_id == incidents["waiting"].pk:
            raise TransitionNotAllowed("stale_version")
        return real(incident_id=incident_id, **kwargs)

    monkeypatch.setattr(follow_up, "incident_transition", refuse_waiting)
    resolved = services.problem_transition(
        problem_id=problem.pk,
        name="resolve",
        actor=pat,
        linked_incidents="resolve",
        **RESOLVE_INPUT,
    )
    waiting = type(incidents["waiting"]).objects.get(pk=incidents["waiting"].pk)
    assert waiting.status == IncidentStatus.ON_HOLD
    assert resolved.status == Status.RESOLVED
    assert resolved.linked_report.resolved == [incidents["in_progress"].number]
    assert [n for n, _ in resolved.linked_report.skipped] == [
        incidents["closed"].number,
        waiting.number,
    ]


def _agent_resolves(incident_id, user_id, barrier, outcomes):
    try:
        actor = get_user_model().objects.get(pk=user_id)
        barrier.wait(timeout=10)
        incident_services.incident_transition(
            incident_id=incident_id,
            name="resolve",
            actor=actor,
            resolution_code="workaround",
            resolution_notes="Rebooted it.",
        )
        outcomes.append("agent")
    except TransitionNotAllowed as refused:
        outcomes.append(("agent refused", refused.code))
    except Exception as error:  # noqa: BLE001 - reported by the assertion below
        outcomes.append(repr(error))
    finally:
        connection.close()


def _problem_resolves(problem_id, user_id, barrier, outcomes):
    try:
        actor = get_user_model().objects.get(pk=user_id)
        barrier.wait(timeout=10)
        problem = services.problem_transition(
            problem_id=problem_id,
            name="resolve",
            actor=actor,
            linked_incidents="resolve",
            **RESOLVE_INPUT,
        )
        outcomes.append(("problem", problem.linked_report))
    except Exception as error:  # noqa: BLE001 - reported by the assertion below
        outcomes.append(repr(error))
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_agent_resolving_a_linked_incident_meanwhile_is_no_error(people):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent connections")
    emma, ravi, sam, pat = (people[name] for name in ("emma", "ravi", "sam", "pat"))
    problem = problem_in(Status.FIX_IN_PROGRESS)
    incident = incident_in(IncidentStatus.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    services.problem_link_incidents(problem_id=problem.pk, incident_ids=[incident.pk], actor=pat)
    barrier = threading.Barrier(2)
    outcomes: list = []
    threads = [
        threading.Thread(target=_agent_resolves, args=(incident.pk, ravi.pk, barrier, outcomes)),
        threading.Thread(target=_problem_resolves, args=(problem.pk, pat.pk, barrier, outcomes)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2, outcomes
    agent = next(o for o in outcomes if o == "agent" or o[0] == "agent refused")
    report = next(o[1] for o in outcomes if o[0] == "problem")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert incident.history.filter(history_transition="resolve").count() == 1
    if agent == "agent":
        # The agent got there first: the problem reports the incident, untouched.
        assert (report.resolved, [n for n, _ in report.skipped]) == ([], [incident.number])
    else:
        assert agent == ("agent refused", "invalid_state")
        assert report.resolved == [incident.number]
