"""SECURITY.md tests on the incident API: T01, T02, T06, T07, T08, T46 and T48."""

import pytest
from rest_framework.test import APIClient

from incidents.models import Incident, IncidentComment
from incidents.tests.factories import make_incident
from itsm.choices import RecordKind
from itsm.models import NumberSequence
from itsm.tests.factories import CategoryFactory, ConfigurationItemFactory, ServiceFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/incidents/"
TRANSITION_ENDPOINTS = [
    "assign",
    "start",
    "hold",
    "resume",
    "escalate",
    "resolve",
    "confirm",
    "reject",
    "close",
    "cancel",
    "declare-major",
    "stand-down-major",
]
EMPLOYEE_KEYS = {
    "id",
    "number",
    "title",
    "description",
    "status",
    "priority",
    "category",
    "subcategory",
    "service",
    "urgency",
    "channel",
    "reported_at",
    "created_at",
    "updated_at",
    "resolution_code",
    "resolution_notes",
    "resolved_at",
    "confirmed_at",
    "closed_at",
    "version",
    "assignment_group",
}
STAFF_LIST_KEYS = EMPLOYEE_KEYS | {
    "problem",
    "caused_by_change",
    "reporter",
    "affected_user",
    "detected_at",
    "configuration_item",
    "impact",
    "priority_overridden",
    "priority_override_reason",
    "hold_reason",
    "assignee",
    "reassignment_count",
    "tier",
    "watchers",
    "resolved_by",
    "closed_by",
    "reopen_count",
    "is_major",
    "commander",
    "communications_lead",
    "parent",
    "duplicate_of",
    "sla_policy",
    "responded_at",
    "response_due_at",
    "resolution_due_at",
}
STAFF_DETAIL_KEYS = STAFF_LIST_KEYS | {"sla"}


@pytest.fixture
def elis(eli):
    return make_incident(
        reporter=eli, title="canary-7f3 payroll server", description="secret-detail-91"
    )


def snapshot(incident) -> tuple:
    incident = Incident.objects.get(pk=incident.pk)
    return (
        incident.title,
        incident.status,
        incident.version,
        incident.history.count(),
        IncidentComment.objects.filter(incident=incident).count(),
    )


def leaks(response, incident) -> bool:
    body = response.content.decode()
    return any(value in body for value in (incident.title, incident.number, "secret-detail-91"))


# --- T01: another user's incident is a 404 for every method ----------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"title": "mine now", "version": 1}),
        ("put", "", {"title": "mine now", "version": 1}),
        ("delete", "", None),
        ("get", "comments/", None),
        ("post", "comments/", {"body": "hello"}),
        ("get", "history/", None),
        *[("post", f"{name}/", {"reason": "x"}) for name in TRANSITION_ENDPOINTS],
    ],
)
def test_t01_other_users_incident_is_not_found(api_as, emma, elis, method, suffix, body):
    before = snapshot(elis)

    response = getattr(api_as(emma), method)(f"{API}{elis.pk}/{suffix}", body, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not leaks(response, elis)
    assert snapshot(elis) == before


# --- T02: lists never include what the caller cannot see ---------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"search": "canary-7f3"},
        {"status": ["new", "assigned"]},
        {"status": "new"},
        {"ordering": "-created_at"},
        {"page_size": 1000},
        {"search": "canary", "ordering": "-priority", "page_size": 1000},
    ],
)
def test_t02_list_excludes_other_users_incidents(api_as, emma, elis, params):
    mine = make_incident(reporter=emma)

    response = api_as(emma).get(API, {**params, "count": "true"})

    assert response.status_code == 200
    numbers = [row["number"] for row in response.json()["results"]]
    assert elis.number not in numbers
    assert "canary" not in response.content.decode()
    expected = [] if "search" in params else [mine.number]
    assert numbers == expected
    assert response.json()["count"] == len(expected)


def test_t02_page_size_is_capped(api_as, emma):
    for _ in range(101):
        make_incident(reporter=emma)

    body = api_as(emma).get(API, {"page_size": 1000, "count": "true"}).json()

    assert body["count"] == 101
    assert len(body["results"]) == 100
    assert body["next"]


# --- T06: related objects named in a write must be in the caller's scope -----------------


def test_t06_employee_cannot_create_outside_scope(api_as, emma, eli, elis):
    own = make_incident(reporter=emma)
    incidents_before = Incident.objects.count()
    numbers_before = NumberSequence.objects.get(prefix="INC").last_value
    payload = {
        "title": "Forged",
        "affected_user": eli.pk,
        "parent": elis.pk,
        "duplicate_of": own.pk,
        "category": CategoryFactory(is_active=False).pk,
        "subcategory": CategoryFactory(parent=CategoryFactory(kind=RecordKind.REQUEST)).pk,
        "service": ServiceFactory(is_active=False).pk,
        "configuration_item": ConfigurationItemFactory(is_active=False).pk,
    }

    response = api_as(emma).post(API, payload, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == set(payload) - {"title"}
    assert "canary" not in response.content.decode()
    assert Incident.objects.count() == incidents_before
    assert NumberSequence.objects.get(prefix="INC").last_value == numbers_before


@pytest.mark.parametrize("field", ["parent", "duplicate_of"])
def test_t06_employee_cannot_link_even_own_incidents(api_as, emma, field):
    own = make_incident(reporter=emma)

    response = api_as(emma).post(API, {"title": "Linked", field: own.pk}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {field}
    assert Incident.objects.count() == 1


def test_t06_staff_cannot_use_retired_reference_data(api_as, sam):
    response = api_as(sam).post(
        API,
        {"title": "x", "service": ServiceFactory(is_active=False).pk, "category": 10**12},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"service", "category"}
    assert not Incident.objects.exists()


# --- T07: no mass assignment ---------------------------------------------------------------


PROTECTED = {
    "priority": 1,
    "status": "resolved",
    "resolution_due_at": "2030-01-01T00:00:00Z",
    "created_by": 1,
    "internal_note": "x",
    "number": "INC9999999",
    "version": None,  # replaced by the current version below
}


def test_t07_employee_patch_with_protected_fields_is_rejected(api_as, emma, eli, sam):
    incident = make_incident(reporter=emma)
    before = snapshot(incident)
    payload = {
        **PROTECTED,
        "title": "Harmless edit",
        "assignee": sam.pk,
        "reporter": eli.pk,
        "affected_user": eli.pk,
        "impact": "high",
        "version": incident.version,
    }

    response = api_as(emma).patch(f"{API}{incident.pk}/", payload, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(payload) - {"title", "version"}
    assert snapshot(incident) == before


@pytest.mark.parametrize(
    "field", ["status", "priority", "assignee", "resolution_due_at", "reporter"]
)
def test_t07_staff_patch_cannot_write_protected_fields(api_as, emma, sam, field):
    incident = make_incident(reporter=emma)
    before = snapshot(incident)
    value = sam.pk if field in {"assignee", "reporter"} else PROTECTED.get(field)

    response = api_as(sam).patch(
        f"{API}{incident.pk}/", {field: value, "version": incident.version}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {field}
    assert snapshot(incident) == before


# --- T08: each role reads exactly its allowlist ----------------------------------------------


def test_t08_employee_reads_exactly_the_employee_allowlist(api_as, emma, network_category):
    incident = make_incident(reporter=emma, category=network_category)
    client = api_as(emma)

    detail = client.get(f"{API}{incident.pk}/").json()
    row = client.get(API).json()["results"][0]

    assert set(detail) == EMPLOYEE_KEYS
    assert set(row) == EMPLOYEE_KEYS
    assert detail["assignment_group"] == "Network Operations"
    assert "@" not in client.get(f"{API}{incident.pk}/").content.decode()


@pytest.mark.parametrize("persona", ["sam", "ravi", "nina", "admin_user"])
def test_t08_staff_read_exactly_the_staff_set(request, api_as, emma, persona):
    incident = make_incident(reporter=emma)
    client = api_as(request.getfixturevalue(persona))

    assert set(client.get(f"{API}{incident.pk}/").json()) == STAFF_DETAIL_KEYS
    assert set(client.get(API).json()["results"][0]) == STAFF_LIST_KEYS


def test_t08_problem_manager_reads_every_incident_but_cannot_edit_others(api_as, emma, pat):
    incident = make_incident(reporter=emma)
    client = api_as(pat)

    assert set(client.get(f"{API}{incident.pk}/").json()) == STAFF_DETAIL_KEYS
    response = client.patch(
        f"{API}{incident.pk}/", {"title": "mine now", "version": 1}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    incident.refresh_from_db()
    assert incident.title != "mine now"


# --- T46: cookie sessions need the CSRF token --------------------------------------------


def session_client(user) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_t46_session_writes_without_csrf_token_are_refused(emma, sam):
    incident = make_incident(reporter=emma)
    before = snapshot(incident)
    employee, desk = session_client(emma), session_client(sam)

    responses = [
        employee.post(API, {"title": "Without token"}, format="json"),
        employee.patch(f"{API}{incident.pk}/", {"title": "x", "version": 1}, format="json"),
        employee.post(f"{API}{incident.pk}/comments/", {"body": "x"}, format="json"),
        desk.post(f"{API}{incident.pk}/cancel/", {"reason": "x"}, format="json"),
        desk.delete(f"{API}{incident.pk}/"),
    ]

    assert [r.status_code for r in responses] == [403] * len(responses)
    assert all("CSRF" in r.json()["detail"] for r in responses)
    assert Incident.objects.count() == 1
    assert snapshot(incident) == before


def test_t46_session_write_with_csrf_token_is_accepted(emma):
    client = session_client(emma)
    token = "a" * 32
    client.cookies["csrftoken"] = token

    response = client.post(API, {"title": "With token"}, format="json", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 201


# --- T48: hostile query strings never reach hidden columns or raise a 500 ------------------


HIDDEN = [
    {"ordering": "reporter__password"},
    {"ordering": "-reporter__password,affected_user__password"},
    {"reporter__password__startswith": "md5"},
    {"reporter__password__startswith": "pbkdf2"},
    {"assignee__password__regex": "^a"},
    {"ordering": "id);DROP TABLE incidents_incident;--"},
    {"ordering": "title"},
    {"unknown_filter": "1"},
    {"page_size": 10**9},
]
REFUSED = [
    ({"status": ["new", "bogus"]}, 400),
    ({"priority": "1; DROP TABLE x"}, 400),
    ({"created_after": "2026-01-01' OR 1=1 --"}, 400),
    ({"category": "1 OR 1=1"}, 400),
    # The schema says a whole number from 1 (issue 7 §6: it was ignored).
    ({"page_size": -5}, 400),
    ({"page_size": "x"}, 400),
    ({"page_size": "null"}, 400),
    ({"page": -1}, 404),
    ({"page": 0}, 404),
    ({"page": 10**6}, 404),
    ({"page": "last"}, 200),
    ({"search": "%' OR '1'='1"}, 200),
]


@pytest.mark.parametrize("persona", ["emma", "sam"])
@pytest.mark.parametrize("params", HIDDEN)
def test_t48_hidden_fields_do_not_affect_results(request, api_as, emma, eli, persona, params):
    for user in (emma, eli, emma):
        make_incident(reporter=user)
    client = api_as(request.getfixturevalue(persona))
    baseline = client.get(API, {"count": "true"}).json()

    response = client.get(API, {**params, "count": "true"})

    assert response.status_code == 200
    assert response.json()["count"] == baseline["count"]
    assert [r["id"] for r in response.json()["results"]] == [r["id"] for r in baseline["results"]]
    assert Incident.objects.count() == 3


@pytest.mark.parametrize(("params", "code"), REFUSED)
def test_t48_bad_values_are_client_errors(api_as, emma, params, code):
    make_incident(reporter=emma)

    response = api_as(emma).get(API, {**params, "count": "true"})

    assert response.status_code == code
    assert response.json().get("code", "ok") != "error"
    if code == 200:
        assert response.json()["count"] in {0, 1}
