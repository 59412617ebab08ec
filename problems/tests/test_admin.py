"""The problem console: add and edit through the services, transition buttons from the
table, the linked-incident block, and the link-incidents operation."""

import pytest
from django.test import Client

from incidents.tests.factories import make_incident
from problems.choices import Status
from problems.models import Problem
from problems.tests.factories import make_problem, problem_in

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/problems/problem/"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_adding_a_problem_goes_through_the_service(pat):
    response = _signed_in(pat).post(
        f"{CHANGELIST}add/",
        {"title": "Printers jam", "description": "", "origin": "proactive", "impact": "low",
         "urgency": "low"},
    )  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    problem = Problem.objects.get()
    assert problem.number.startswith("PRB") and problem.priority == 5
    assert problem.history.get().history_change_reason == "create"


def test_the_page_offers_the_transitions_the_user_may_run(pat, ravi):
    problem = problem_in(Status.RESOLVED)
    url = f"{CHANGELIST}{problem.pk}/change/"
    manager = _signed_in(pat).get(url).content.decode()
    resolver = _signed_in(ravi).get(url).content.decode()
    assert "transition/close/" in manager and "transition/reopen/" in manager
    assert "transition/close/" not in resolver


def test_linking_incidents_by_number_from_the_problem_page(pat, emma):
    problem = make_problem(reported_by=pat)
    incidents = [make_incident(reporter=emma) for _ in range(2)]
    client = _signed_in(pat)
    url = f"{CHANGELIST}{problem.pk}/transition/link_incidents/"
    response = client.post(
        url, {"incidents": ", ".join(i.number for i in incidents), "expected_version": 1}
    )
    assert response.status_code == 302
    assert problem.incidents.count() == 2
    page = client.get(f"{CHANGELIST}{problem.pk}/change/").content.decode()
    assert all(i.number in page for i in incidents)
    bad = client.post(url, {"incidents": "INC9999999"})
    assert bad.status_code == 400 and "No such incidents: INC9999999" in bad.content.decode()


def test_a_refused_transition_shows_the_guard_message(pat):
    problem = problem_in(Status.ROOT_CAUSE_ANALYSIS)
    response = _signed_in(pat).post(
        f"{CHANGELIST}{problem.pk}/transition/record_known_error/", {"workaround": "Reboot."}
    )
    assert response.status_code == 400
    assert "A root-cause statement is required" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == Status.ROOT_CAUSE_ANALYSIS


def test_changelist_filters_and_search(pat):
    known = problem_in(Status.KNOWN_ERROR)
    make_problem(reported_by=pat, title="Unrelated")
    client = _signed_in(pat)
    for query in ("?is_known_error__exact=1", "?status__exact=known_error", f"?q={known.number}"):
        rows = client.get(CHANGELIST + query).context["cl"].result_list
        assert [p.number for p in rows] == [known.number], query
