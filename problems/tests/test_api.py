"""The problem API: create, edit with a version, one POST per transition, linked
incidents, comments and history; refusals come back with the table's codes."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from incidents.choices import Status as IncidentStatus
from incidents.tests.factories import incident_in, make_incident
from problems.choices import Status
from problems.tests.factories import KNOWN_ERROR_INPUT, RESOLVE_INPUT, make_problem, problem_in

pytestmark = pytest.mark.django_db

API = "/api/v1/problems/"


def test_create_links_incidents_and_answers_the_problem(api_as, pat, emma):
    incident = make_incident(reporter=emma)
    response = api_as(pat).post(
        API,
        {"title": "VPN drops", "impact": "high", "urgency": "high", "incident_ids": [incident.pk]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("PRB") and body["priority"] == 1
    assert body["status"] == "new"
    incident.refresh_from_db()
    assert incident.problem_id == body["id"]


@pytest.mark.parametrize("key", ["status", "workaround_published", "number", "priority"])
def test_protected_keys_are_refused_by_name(api_as, pat, key):
    problem = make_problem(reported_by=pat)
    response = api_as(pat).patch(f"{API}{problem.pk}/", {key: "x", "version": 1}, format="json")
    assert response.status_code == 400
    assert key in response.json()["errors"]


def test_edits_need_the_current_version(api_as, pat):
    problem = make_problem(reported_by=pat)
    client = api_as(pat)
    url = f"{API}{problem.pk}/"
    assert client.patch(url, {"root_cause": "Found."}, format="json").status_code == 400
    assert (
        client.patch(url, {"root_cause": "Found.", "version": 1}, format="json").status_code == 200
    )
    stale = client.patch(url, {"title": "Late", "version": 1}, format="json")
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")


def test_put_and_delete_are_not_allowed(api_as, pat):
    problem = make_problem(reported_by=pat)
    client = api_as(pat)
    assert client.put(f"{API}{problem.pk}/", {}, format="json").status_code == 405
    assert client.delete(f"{API}{problem.pk}/").status_code == 405


def test_a_guard_refusal_names_its_code_and_field(api_as, pat):
    problem = problem_in(Status.ROOT_CAUSE_ANALYSIS)
    response = api_as(pat).post(
        f"{API}{problem.pk}/record-known-error/", {"workaround": "Reboot."}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "root_cause_required"
    assert "root_cause" in response.json()["errors"]


def test_unknown_transition_inputs_are_refused(api_as, pat):
    problem = make_problem(reported_by=pat)
    response = api_as(pat).post(f"{API}{problem.pk}/assess/", {"status": "closed"}, format="json")
    assert response.status_code == 400 and "status" in response.json()["errors"]


def test_resolve_reports_what_happened_to_the_linked_incidents(api_as, pat, emma, ravi, sam):
    problem = problem_in(Status.FIX_IN_PROGRESS)
    open_one = incident_in(IncidentStatus.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    closed = incident_in(IncidentStatus.CLOSED, reporter=emma, agent=ravi, desk=sam)
    client = api_as(pat)
    client.post(
        f"{API}{problem.pk}/link-incidents/",
        {"incident_ids": [open_one.pk, closed.pk]},
        format="json",
    )
    response = client.post(
        f"{API}{problem.pk}/resolve/",
        {**RESOLVE_INPUT, "linked_incidents": "resolve", "version": problem.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    report = response.json()["linked_incidents_report"]
    assert report["resolved"] == [open_one.number]
    assert [row["number"] for row in report["skipped"]] == [closed.number]
    listed = client.get(f"{API}{problem.pk}/incidents/").json()["results"]
    assert {row["number"] for row in listed} == {open_one.number, closed.number}


def test_unlink_writes_history_on_the_incident(api_as, pat, emma):
    problem = make_problem(reported_by=pat)
    incident = make_incident(reporter=emma)
    client = api_as(pat)
    client.post(
        f"{API}{problem.pk}/link-incidents/", {"incident_ids": [incident.pk]}, format="json"
    )
    response = client.post(
        f"{API}{problem.pk}/unlink-incident/", {"incident_id": incident.pk}, format="json"
    )
    assert response.status_code == 200
    incident.refresh_from_db()
    assert incident.problem is None
    assert incident.history.latest().history_change_reason == f"unlinked from {problem.number}"
    other = make_incident(reporter=emma)
    missing = client.post(
        f"{API}{problem.pk}/unlink-incident/", {"incident_id": other.pk}, format="json"
    )
    assert missing.status_code == 404


def test_comments_and_history(api_as, pat):
    problem = problem_in(Status.KNOWN_ERROR)
    client = api_as(pat)
    posted = client.post(f"{API}{problem.pk}/comments/", {"body": "Vendor case 42."}, format="json")
    assert (posted.status_code, posted.json()["visibility"]) == (201, "internal")
    assert client.get(f"{API}{problem.pk}/comments/").json()["results"][0]["body"] == (
        "Vendor case 42."
    )
    history = client.get(f"{API}{problem.pk}/history/").json()["results"]
    assert [row["transition"] for row in history] == [None, "assess", "record_known_error"]
    changed = {change["field"]: change["new"] for change in history[-1]["changes"]}
    assert changed["status"] == "known_error" and changed["is_known_error"] is True


def test_the_list_filters_and_pages_by_cursor(api_as, pat):
    for _ in range(3):
        make_problem(reported_by=pat)
    known = problem_in(Status.KNOWN_ERROR)
    client = api_as(pat)
    filtered = client.get(API, {"status": "known_error"}).json()["results"]
    assert [row["number"] for row in filtered] == [known.number]
    first = client.get(API, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_known_error_input_fills_the_fields(api_as, pat):
    problem = problem_in(Status.ROOT_CAUSE_ANALYSIS)
    response = api_as(pat).post(
        f"{API}{problem.pk}/record-known-error/", KNOWN_ERROR_INPUT, format="json"
    )
    body = response.json()
    assert (body["status"], body["is_known_error"]) == ("known_error", True)
    assert body["workaround"] == KNOWN_ERROR_INPUT["workaround"]


def test_the_schema_documents_the_resolve_report_on_resolve_only():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    resolve = schema["paths"][f"{API}{{id}}/resolve/"]["post"]["responses"]["200"]
    answer = resolve["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "linked_incidents_report" in components[answer]["properties"]
    detail = schema["paths"][f"{API}{{id}}/"]["get"]["responses"]["200"]
    shape = detail["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "linked_incidents_report" not in components[shape]["properties"]


@pytest.mark.parametrize(
    "query", ["service=vpn", "service=0", "service=1&service=2", "title=a&title=b"]
)
def test_suggest_refuses_a_query_its_schema_does_not_allow(api_as, emma, query):
    response = api_as(emma).get(f"/api/v1/known-errors/suggest/?{query}")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_a_bad_item_of_a_list_is_named_by_its_path(api_as, pat):
    problem = make_problem(reported_by=pat)
    response = api_as(pat).post(
        f"{API}{problem.pk}/link-incidents/", {"incident_ids": [1, 0]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["incident_ids.1"]


@pytest.mark.parametrize("suffix", ["comments/", "history/", "incidents/"])
def test_an_empty_page_number_is_refused(api_as, pat, suffix):
    problem = make_problem(reported_by=pat)
    response = api_as(pat).get(f"{API}{problem.pk}/{suffix}?page=")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
