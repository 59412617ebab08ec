"""Query budgets: every problem list costs the same whatever its rows (DESIGN.md rule 6).

Each figure is also pinned, so a constant but wasteful pattern is caught too.
"""

import pytest
from django.test import Client

from incidents.tests.factories import make_incident
from itsm.models import Service
from itsm.testing.queries import assert_constant_queries
from problems import services
from problems.choices import Status
from problems.tests.factories import KNOWN_ERROR_INPUT, make_problem

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def add_problems(pat, emma):
    """``add(n)``: n problems, each a published known error with two linked incidents."""
    vpn, _ = Service.objects.get_or_create(name="VPN")

    def add(count):
        for _ in range(count):
            problem = make_problem(reported_by=pat, service=vpn, title="VPN drops under load")
            for name in ("assess", "start_analysis"):
                services.problem_transition(problem_id=problem.pk, name=name, actor=pat)
            services.problem_transition(
                problem_id=problem.pk, name="record_known_error", actor=pat, **KNOWN_ERROR_INPUT
            )
            services.problem_transition(problem_id=problem.pk, name="publish_workaround", actor=pat)
            incidents = [make_incident(reporter=emma).pk for _ in range(2)]
            services.problem_link_incidents(
                problem_id=problem.pk, incident_ids=incidents, actor=pat
            )

    return add


def _ok(client, url):
    def request():
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return response

    return request


def test_admin_changelist(add_problems, pat):
    count = assert_constant_queries(add_problems, _ok(_signed_in(pat), "/admin/problems/problem/"))
    assert count <= 10


def test_admin_changelist_shows_incident_figures_and_known_error_flag(add_problems, pat):
    add_problems(1)
    response = _signed_in(pat).get("/admin/problems/problem/")
    row = response.context["cl"].result_list[0]
    assert (row.incident_count, row.last_incident_at is not None) == (2, True)
    assert row.is_known_error and row.status == Status.KNOWN_ERROR


def test_api_list(add_problems, pat, api_as):
    client = api_as(pat)
    count = assert_constant_queries(add_problems, _ok(client, "/api/v1/problems/"))
    assert count <= 6


def test_api_known_error_list(add_problems, emma, api_as):
    count = assert_constant_queries(add_problems, _ok(api_as(emma), "/api/v1/known-errors/"))
    assert count <= 4


def test_api_known_error_suggestions(add_problems, emma, api_as):
    url = "/api/v1/known-errors/suggest/?title=vpn+drops"
    count = assert_constant_queries(add_problems, _ok(api_as(emma), url))
    assert count <= 4


def test_api_linked_incidents(pat, emma, api_as):
    problem = make_problem(reported_by=pat)

    def add(count):
        ids = [make_incident(reporter=emma).pk for _ in range(count)]
        services.problem_link_incidents(problem_id=problem.pk, incident_ids=ids, actor=pat)

    url = f"/api/v1/problems/{problem.pk}/incidents/"
    assert assert_constant_queries(add, _ok(api_as(pat), url)) <= 8


@pytest.mark.parametrize(
    "url",
    [
        "/portal/known-errors/",
        "/portal/known-errors/?q=vpn",
        "/portal/known-errors/check/?title=vpn",
    ],
)
def test_portal_lists(add_problems, emma, url):
    count = assert_constant_queries(add_problems, _ok(_signed_in(emma), url))
    assert count <= 8


def test_admin_problem_page_lists_linked_incidents_in_constant_queries(pat, emma):
    problem = make_problem(reported_by=pat)

    def add(count):
        ids = [make_incident(reporter=emma).pk for _ in range(count)]
        services.problem_link_incidents(problem_id=problem.pk, incident_ids=ids, actor=pat)

    url = f"/admin/problems/problem/{problem.pk}/change/"
    request = _ok(_signed_in(pat), url)
    request()  # the first page view fills per-process caches (content types)
    assert assert_constant_queries(add, request) <= 30


@pytest.mark.parametrize("path", ["comments", "history"])
def test_api_comments_and_history(pat, api_as, path):
    problem = make_problem(reported_by=pat)

    def add(count):
        for index in range(count):
            services.problem_comment_add(problem_id=problem.pk, actor=pat, body=f"Note {index}")

    url = f"/api/v1/problems/{problem.pk}/{path}/"
    assert assert_constant_queries(add, _ok(api_as(pat), url)) <= 8
