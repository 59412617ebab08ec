"""The problem rules: who may do what, the guards' codes, edits and incident links."""

import pytest
from django.core.exceptions import ValidationError

from incidents.tests.factories import make_incident
from itsm.errors import Refused
from itsm.workflow import TransitionNotAllowed
from problems import services
from problems.choices import Status
from problems.tests.factories import KNOWN_ERROR_INPUT, RESOLVE_INPUT, make_problem, problem_in

pytestmark = pytest.mark.django_db


def run(problem, name, actor, **params):
    return services.problem_transition(problem_id=problem.pk, name=name, actor=actor, **params)


def test_a_problem_gets_a_prb_number_and_the_matrix_priority(pat):
    first = make_problem(reported_by=pat, impact="high", urgency="high")
    second = make_problem(reported_by=pat)
    assert first.number.startswith("PRB") and len(first.number) == 10
    assert int(second.number[3:]) == int(first.number[3:]) + 1
    assert first.priority == 1
    assert first.history.get().history_change_reason == "create"


def test_employees_cannot_log_problems(emma):
    with pytest.raises(Refused) as refused:
        make_problem(reported_by=emma)
    assert refused.value.code == "not_permitted"


@pytest.mark.parametrize(
    ("missing", "code"),
    [("root_cause", "root_cause_required"), ("workaround", "workaround_required")],
)
def test_a_known_error_needs_a_root_cause_and_a_workaround(pat, missing, code):
    problem = problem_in(Status.ROOT_CAUSE_ANALYSIS)
    params = {**KNOWN_ERROR_INPUT, missing: ""}
    with pytest.raises(TransitionNotAllowed) as refused:
        run(problem, "record_known_error", pat, **params)
    assert (refused.value.code, refused.value.field) == (code, missing)
    problem.refresh_from_db()
    assert problem.status == Status.ROOT_CAUSE_ANALYSIS and not problem.is_known_error


def test_recording_a_known_error_stamps_it_once(pat):
    problem = problem_in(Status.KNOWN_ERROR)
    assert problem.is_known_error and problem.known_error_at is not None
    assert problem.root_cause == KNOWN_ERROR_INPUT["root_cause"]
    assert problem.root_cause_category == "capacity"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"fix_description": "Patched."}, "problem_resolution_code_required"),
        ({"resolution_code": "fixed"}, "fix_description_required"),
    ],
)
def test_resolving_needs_a_fix_description_and_a_resolution_code(pat, params, code):
    problem = problem_in(Status.FIX_IN_PROGRESS)
    with pytest.raises(TransitionNotAllowed) as refused:
        run(problem, "resolve", pat, **params)
    assert refused.value.code == code


@pytest.mark.parametrize("name", ["close", "reopen"])
def test_only_problem_managers_close_or_reopen(ravi, pat, name):
    problem = problem_in(Status.RESOLVED)
    with pytest.raises(TransitionNotAllowed) as refused:
        run(problem, name, ravi, reason="Done.")
    assert refused.value.code == "not_permitted"
    with pytest.raises(TransitionNotAllowed) as refused:
        run(problem, name, pat)
    assert refused.value.code == "reason_required"
    assert run(problem, name, pat, reason="Recurred in INC0000042.").status != Status.RESOLVED


def test_only_problem_managers_cancel_with_a_reason(ravi, pat):
    problem = problem_in(Status.ASSESSED)
    with pytest.raises(TransitionNotAllowed):
        run(problem, "cancel", ravi, reason="Not a problem.")
    cancelled = run(problem, "cancel", pat, reason="Not a problem.")
    assert cancelled.status == Status.CANCELLED and cancelled.closed_by == pat


def test_reopening_counts_and_clears_the_resolution(pat):
    problem = problem_in(Status.RESOLVED)
    reopened = run(problem, "reopen", pat, reason="The VPN dropped again.")
    assert reopened.status == Status.ROOT_CAUSE_ANALYSIS
    assert (reopened.reopen_count, reopened.resolution_code, reopened.resolved_at) == (1, "", None)


def test_publishing_needs_a_known_error_and_closing_unpublishes(pat):
    problem = problem_in(Status.KNOWN_ERROR)
    published = run(problem, "publish_workaround", pat)
    assert published.workaround_published
    with pytest.raises(TransitionNotAllowed) as refused:
        run(problem, "publish_workaround", pat)
    assert refused.value.code == "workaround_already_published"
    run(problem, "resolve", pat, **RESOLVE_INPUT)
    closed = run(problem, "close", pat, reason="Fixed for a month.")
    assert not closed.workaround_published


def test_a_published_workaround_cannot_be_emptied(pat):
    problem = run(problem_in(Status.KNOWN_ERROR), "publish_workaround", pat)
    with pytest.raises(ValidationError) as refused:
        services.problem_update(problem_id=problem.pk, actor=pat, changes={"workaround": ""})
    assert "workaround" in refused.value.message_dict


def test_edits_are_for_problem_staff_and_editable_fields_only(pat, emma):
    problem = make_problem(reported_by=pat)
    with pytest.raises(Refused):
        services.problem_update(problem_id=problem.pk, actor=emma, changes={"title": "X"})
    with pytest.raises(ValidationError):
        services.problem_update(problem_id=problem.pk, actor=pat, changes={"status": "closed"})
    edited = services.problem_update(
        problem_id=problem.pk,
        actor=pat,
        changes={"impact": "high", "urgency": "high", "root_cause": "Not known yet."},
        expected_version=problem.version,
    )
    assert (edited.priority, edited.version) == (1, problem.version + 1)
    assert edited.history.latest().history_change_reason == "update: impact, root_cause, urgency"


def test_linking_and_unlinking_writes_history_on_each_incident(pat, emma):
    problem = make_problem(reported_by=pat)
    incidents = [make_incident(reporter=emma) for _ in range(2)]
    services.problem_link_incidents(
        problem_id=problem.pk, incident_ids=[i.pk for i in incidents], actor=pat
    )
    for incident in incidents:
        incident.refresh_from_db()
        assert incident.problem == problem
        row = incident.history.latest()
        assert (row.history_user, row.history_change_reason) == (pat, f"linked to {problem.number}")
    unlinked = services.problem_unlink_incident(incident_id=incidents[0].pk, actor=pat)
    assert unlinked.problem is None
    assert unlinked.history.latest().history_change_reason == f"unlinked from {problem.number}"


def test_employees_cannot_link_incidents(pat, emma):
    problem = make_problem(reported_by=pat)
    incident = make_incident(reporter=emma)
    with pytest.raises(Refused):
        services.problem_link_incidents(
            problem_id=problem.pk, incident_ids=[incident.pk], actor=emma
        )
    incident.refresh_from_db()
    assert incident.problem is None


def test_a_problem_from_incidents_takes_what_they_share(pat, emma, sam):
    from itsm.models import Category, Service

    network = Category.objects.create(kind="incident", name="Network")
    problem_network = Category.objects.create(kind="problem", name="Network")
    vpn = Service.objects.create(name="VPN")
    incidents = [
        make_incident(reporter=emma, category=network, service=vpn, title=f"VPN drop {n}")
        for n in range(3)
    ]
    problem = services.problem_create_from_incidents(
        actor=pat, incident_ids=[i.pk for i in incidents]
    )
    assert (problem.category, problem.service) == (problem_network, vpn)
    assert problem.title == "VPN drop 0"
    assert problem.incidents.count() == 3
