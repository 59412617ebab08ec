"""User text in root causes and workarounds is inert wherever it is shown (SECURITY.md T39)."""

import pytest
from django.test import Client

from problems import services
from problems.choices import Status
from problems.tests.factories import problem_in

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)> [click](javascript:alert(3))"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _assert_inert(html: str):
    assert "<script>alert(1)" not in html
    assert "<img src=x onerror" not in html
    assert 'href="javascript:' not in html


@pytest.fixture
def hostile(pat):
    problem = problem_in(Status.ROOT_CAUSE_ANALYSIS)
    services.problem_transition(
        problem_id=problem.pk,
        name="record_known_error",
        actor=pat,
        root_cause=PAYLOAD,
        workaround=PAYLOAD,
    )
    return services.problem_transition(problem_id=problem.pk, name="publish_workaround", actor=pat)


def test_portal_pages_render_the_workaround_through_the_sanitizer(hostile, emma):
    client = _signed_in(emma)
    for url in (
        f"/portal/known-errors/{hostile.pk}/",
        "/portal/known-errors/check/?title=drops+under+load",
    ):
        response = client.get(url)
        assert response.status_code == 200
        _assert_inert(response.content.decode())


def test_the_suggest_endpoint_returns_sanitized_html(hostile, emma):
    response = _signed_in(emma).get("/portal/known-errors/suggest/?title=drops+under+load")
    results = response.json()["results"]
    assert results and all("<script>" not in r["workaround_html"] for r in results)
    assert all('href="javascript:' not in r["workaround_html"] for r in results)


def test_the_admin_page_shows_root_cause_and_workaround_inert(hostile, pat):
    response = _signed_in(pat).get(f"/admin/problems/problem/{hostile.pk}/change/")
    assert response.status_code == 200
    _assert_inert(response.content.decode())
