"""Scoping: problems are staff records (employees get 404 everywhere); employees read only
published known errors, never work notes, unpublished workarounds or linked incidents."""

import pytest
from django.test import Client

from incidents.tests.factories import make_incident
from problems import services
from problems.choices import Status
from problems.tests.factories import make_problem, problem_in

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def published(pat):
    problem = problem_in(Status.KNOWN_ERROR)
    return services.problem_transition(problem_id=problem.pk, name="publish_workaround", actor=pat)


@pytest.fixture
def unpublished(pat):
    return problem_in(Status.KNOWN_ERROR)


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"title": "Mine now", "version": 1}),
        ("put", "", {}),
        ("delete", "", None),
        ("post", "assess/", {}),
        ("post", "cancel/", {"reason": "x"}),
        ("get", "comments/", None),
        ("post", "comments/", {"body": "hello"}),
        ("get", "history/", None),
        ("get", "incidents/", None),
        ("post", "link-incidents/", {"incident_ids": [1]}),
    ],
)
def test_employees_get_404_on_every_problem_endpoint(api_as, emma, pat, method, suffix, body):
    problem = make_problem(reported_by=pat)
    response = getattr(api_as(emma), method)(
        f"/api/v1/problems/{problem.pk}/{suffix}", body, format="json"
    )
    assert response.status_code == 404, response.content
    problem.refresh_from_db()
    assert problem.version == 1 and problem.title != "Mine now"


def test_employees_list_no_problems(api_as, emma, pat):
    make_problem(reported_by=pat)
    response = api_as(emma).get("/api/v1/problems/")
    assert (response.status_code, response.json()["results"]) == (200, [])


def test_employees_cannot_create_problems(api_as, emma):
    response = api_as(emma).post("/api/v1/problems/", {"title": "Mine"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "not_permitted")


def test_staff_see_every_problem(api_as, sam, ravi, pat):
    problem = make_problem(reported_by=pat)
    for user in (sam, ravi, pat):
        assert api_as(user).get(f"/api/v1/problems/{problem.pk}/").status_code == 200


def test_known_errors_api_shows_only_published_ones_and_only_their_public_fields(
    api_as, emma, published, unpublished, pat
):
    services.problem_comment_add(problem_id=published.pk, actor=pat, body="Secret work note")
    client = api_as(emma)
    listed = client.get("/api/v1/known-errors/").json()["results"]
    assert [row["number"] for row in listed] == [published.number]
    assert set(listed[0]) == {
        "id", "number", "title", "workaround", "service", "known_error_at", "status"
    }  # fmt: skip
    assert client.get(f"/api/v1/known-errors/{unpublished.pk}/").status_code == 404
    assert client.get(f"/api/v1/known-errors/{published.pk}/").status_code == 200
    body = client.get(f"/api/v1/known-errors/{published.pk}/").content.decode()
    assert "Secret work note" not in body and "root_cause" not in body


def test_portal_known_error_pages_are_scoped(emma, published, unpublished, pat):
    client = _signed_in(emma)
    incident = make_incident(reporter=pat, title="Someone else's VPN trouble")
    services.problem_link_incidents(problem_id=published.pk, incident_ids=[incident.pk], actor=pat)
    services.problem_comment_add(problem_id=published.pk, actor=pat, body="Secret work note")
    page = client.get(f"/portal/known-errors/{published.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Secret work note" not in text and incident.number not in text
    assert published.root_cause not in text
    assert client.get(f"/portal/known-errors/{unpublished.pk}/").status_code == 404
    listing = client.get("/portal/known-errors/").content.decode()
    assert published.number in listing and unpublished.number not in listing


def test_a_withdrawn_or_closed_known_error_disappears_from_the_portal(emma, published, pat):
    services.problem_transition(
        problem_id=published.pk, name="withdraw_workaround", actor=pat, reason="Wrong advice."
    )
    assert _signed_in(emma).get(f"/portal/known-errors/{published.pk}/").status_code == 404


def test_employees_are_kept_out_of_the_problem_console(emma, pat):
    problem = make_problem(reported_by=pat)
    response = _signed_in(emma).get(f"/admin/problems/problem/{problem.pk}/change/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_home_section_is_for_problem_staff_only(emma, pat):
    make_problem(reported_by=pat, assignee=None)
    assert "Problems assigned to me" not in _signed_in(emma).get("/portal/").content.decode()
    assert "Problems assigned to me" in _signed_in(pat).get("/portal/").content.decode()
