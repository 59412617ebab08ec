"""The incident API: shapes, create and edit, filters, search, ordering, transitions,
comments, history and query budgets."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from incidents import services
from incidents.choices import Status
from incidents.models import Incident, IncidentComment
from incidents.tests.factories import incident_in, make_incident, network_team
from itsm.testing.queries import assert_constant_queries
from itsm.tests.factories import CategoryFactory, ServiceFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/incidents/"
# Pinned per-request budgets (session, user, roles, count, page, prefetch...); the
# constant-count check catches N+1, the budget catches a constant but wasteful pattern.
LIST_BUDGET = 6
COMMENTS_BUDGET = 6
HISTORY_BUDGET = 7


def logged_in(user) -> APIClient:
    # A real session, so each request loads the user and roles afresh as in production.
    client = APIClient()
    client.force_login(user)
    return client


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


# --- Shapes, create, edit ------------------------------------------------------------------


def test_list_and_detail_use_the_role_serializers(api_as, emma, eli, sam):
    mine = make_incident(reporter=emma)
    make_incident(reporter=eli)

    emma_rows = api_as(emma).get(API).json()["results"]
    sam_rows = api_as(sam).get(API).json()["results"]
    detail = api_as(sam).get(f"{API}{mine.pk}/").json()

    assert [row["number"] for row in emma_rows] == [mine.number]
    assert "reporter" not in emma_rows[0]
    assert len(sam_rows) == 2
    assert sam_rows[0]["reporter"]["username"] in {"emma", "eli"}
    assert "sla" not in sam_rows[0]
    assert detail["sla"]["resolution"]["target_minutes"] == 2400
    assert detail["sla"]["response"]["breached"] is False
    assert detail["status"] == "new" and detail["version"] == 1


def test_employee_creates_through_the_api(api_as, emma, network_category):
    response = api_as(emma).post(
        API,
        {
            "title": "VPN drops every hour",
            "description": "Since this morning.",
            "category": network_category.pk,
            "urgency": "high",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get(pk=body["id"])
    assert body["number"].startswith("INC") and body["number"] == incident.number
    assert body["channel"] == "api"
    assert body["priority"] == 3  # impact low (employees cannot set it) x urgency high
    assert body["assignment_group"] == "Network Operations"
    assert body["status"] == "new"
    assert incident.reporter == emma and incident.affected_user == emma
    assert incident.history.get().history_user == emma


def test_staff_create_for_someone_else_with_channel_and_impact(api_as, sam, eli, network_category):
    response = api_as(sam).post(
        API,
        {
            "title": "Core switch down",
            "category": network_category.pk,
            "affected_user": eli.pk,
            "channel": "phone",
            "impact": "high",
            "urgency": "high",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["priority"] == 1
    assert body["channel"] == "phone"
    assert body["affected_user"]["username"] == "eli"
    assert body["reporter"]["username"] == "sam"
    assert body["assignment_group"]["name"] == "Network Operations"
    assert body["tier"] == 2
    assert body["response_due_at"] is not None


def test_create_rejects_keys_it_does_not_accept(api_as, emma):
    response = api_as(emma).post(
        API, {"title": "Broken", "impact": "high", "status": "resolved"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == {"impact", "status"}
    assert not Incident.objects.exists()


def test_create_needs_a_title(api_as, emma):
    response = api_as(emma).post(API, {"description": "no title"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"title"}


def test_employee_patch_needs_the_version_and_bumps_it(api_as, emma):
    incident = make_incident(reporter=emma)
    client = api_as(emma)

    missing = client.patch(f"{API}{incident.pk}/", {"title": "New title"}, format="json")
    done = client.patch(f"{API}{incident.pk}/", {"title": "New title", "version": 1}, format="json")

    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"version"}
    assert done.status_code == 200, done.content
    assert done.json()["title"] == "New title" and done.json()["version"] == 2
    incident.refresh_from_db()
    assert incident.title == "New title"
    assert incident.history.first().history_change_reason == "update: title"


def test_staff_patch_recomputes_priority(api_as, emma, sam):
    incident = make_incident(reporter=emma, urgency="medium")

    response = api_as(sam).patch(
        f"{API}{incident.pk}/", {"impact": "high", "urgency": "high", "version": 1}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["priority"] == 1
    assert response.json()["impact"] == "high"


def test_patch_on_a_closed_incident_is_a_conflict(api_as, emma, ravi, sam):
    incident = incident_in(Status.CLOSED, reporter=emma, agent=ravi, desk=sam)

    response = api_as(emma).patch(
        f"{API}{incident.pk}/", {"title": "x", "version": incident.version}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "incident_closed"


@pytest.mark.parametrize("method", ["put", "delete"])
def test_put_and_delete_are_not_allowed(api_as, emma, sam, method):
    incident = make_incident(reporter=emma)

    response = getattr(api_as(sam), method)(
        f"{API}{incident.pk}/", {"title": "x", "version": 1}, format="json"
    )

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "PUT" not in response["Allow"] and "DELETE" not in response["Allow"]
    assert "PATCH" in response["Allow"]
    incident.refresh_from_db()
    assert incident.title != "x" and incident.history.count() == 1


def test_unknown_id_is_a_json_404(api_as, sam):
    response = api_as(sam).get(f"{API}{2**70}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- Filters, search, ordering ---------------------------------------------------------------


def test_filter_by_status_allows_several(api_as, emma, ravi, sam):
    new = make_incident(reporter=emma)
    assigned = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    resolved = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
    client = api_as(emma)

    assert numbers(client.get(API, {"status": "assigned"})) == [assigned.number]
    both = numbers(client.get(f"{API}?status=new&status=resolved"))
    assert sorted(both) == sorted([new.number, resolved.number])
    assert client.get(API, {"status": "bogus"}).json()["code"] == "invalid"


def test_filter_by_priority(api_as, emma):
    p3 = make_incident(reporter=emma, urgency="high")
    make_incident(reporter=emma, urgency="medium")

    assert numbers(api_as(emma).get(API, {"priority": 3})) == [p3.number]


def test_filter_by_group_category_and_service(api_as, emma, sam, network_category):
    service = ServiceFactory()
    other_category = CategoryFactory()
    routed = make_incident(reporter=emma, category=network_category, service=service)
    plain = make_incident(reporter=emma, category=other_category)
    client = api_as(sam)

    assert numbers(client.get(API, {"assignment_group": network_team().pk})) == [routed.number]
    assert numbers(client.get(API, {"category": other_category.pk})) == [plain.number]
    assert numbers(client.get(API, {"service": service.pk})) == [routed.number]


def test_filter_by_assignee_and_major(api_as, emma, ravi, sam):
    assigned = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    major = incident_in(Status.NEW, reporter=emma, agent=ravi, desk=sam, major=True)
    client = api_as(sam)

    assert numbers(client.get(API, {"assignee": ravi.pk})) == [assigned.number]
    assert numbers(client.get(API, {"is_major": "true"})) == [major.number]
    assert major.number not in numbers(client.get(API, {"is_major": "false"}))


def test_filter_breached_uses_the_stored_due_time(api_as, emma, ravi, sam, clock):
    late = make_incident(reporter=emma)
    late_but_resolved = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
    clock.advance(days=30)
    fresh = make_incident(reporter=emma)
    client = api_as(sam)

    assert numbers(client.get(API, {"breached": "true"})) == [late.number]
    assert sorted(numbers(client.get(API, {"breached": "false"}))) == sorted(
        [late_but_resolved.number, fresh.number]
    )


def test_filter_by_created_and_updated_ranges(api_as, emma, clock):
    start = clock.now
    older = make_incident(reporter=emma)
    clock.advance(days=2)
    newer = make_incident(reporter=emma)
    clock.advance(days=2)
    services.incident_update(incident_id=older.pk, actor=emma, changes={"title": "Edited"})
    client = api_as(emma)
    middle = (start + dt.timedelta(days=1)).isoformat()
    late = (start + dt.timedelta(days=3)).isoformat()

    assert numbers(client.get(API, {"created_after": middle})) == [newer.number]
    assert numbers(client.get(API, {"created_before": middle})) == [older.number]
    assert numbers(client.get(API, {"updated_after": late})) == [older.number]
    assert numbers(client.get(API, {"updated_before": late})) == [newer.number]
    assert client.get(API, {"created_after": "yesterday"}).status_code == 400


def test_search_matches_number_and_title(api_as, emma):
    printer = make_incident(reporter=emma, title="Printer smokes")
    vpn = make_incident(reporter=emma, title="VPN down")
    client = api_as(emma)

    assert numbers(client.get(API, {"search": "printer"})) == [printer.number]
    assert numbers(client.get(API, {"search": vpn.number})) == [vpn.number]


def test_ordering_allowlist(api_as, emma):
    low = make_incident(reporter=emma, urgency="low")
    high = make_incident(reporter=emma, urgency="high")
    medium = make_incident(reporter=emma, urgency="medium")
    client = api_as(emma)
    default = [medium.number, high.number, low.number]  # newest first

    assert numbers(client.get(API)) == default
    assert numbers(client.get(API, {"ordering": "priority"})) == [
        high.number,
        medium.number,
        low.number,
    ]
    assert numbers(client.get(API, {"ordering": "number"})) == sorted(default)
    assert numbers(client.get(API, {"ordering": "title"})) == default
    assert numbers(client.get(API, {"ordering": "reporter__username"})) == default


def test_staff_only_filters_and_orderings_are_ignored_for_employees(api_as, emma, ravi, sam):
    assigned = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    new = make_incident(reporter=emma)
    client = api_as(emma)
    everything = numbers(client.get(API))

    assert numbers(client.get(API, {"assignee": ravi.pk})) == everything
    assert numbers(client.get(API, {"is_major": "true"})) == everything
    assert numbers(client.get(API, {"ordering": "resolution_due_at"})) == everything
    assert sorted(everything) == sorted([assigned.number, new.number])


# --- Comments ------------------------------------------------------------------------------


def test_comments_employees_read_public_only_and_cannot_post_internal(api_as, emma, sam):
    incident = make_incident(reporter=emma)
    services.incident_comment_add(incident_id=incident.pk, actor=sam, body="Looking into it.")
    services.incident_comment_add(
        incident_id=incident.pk, actor=sam, body="Probably the switch.", visibility="internal"
    )
    url = f"{API}{incident.pk}/comments/"

    emma_sees = api_as(emma).get(url).json()
    sam_sees = api_as(sam).get(url).json()
    internal = api_as(emma).post(url, {"body": "x", "visibility": "internal"}, format="json")
    public = api_as(emma).post(url, {"body": "Thanks!"}, format="json")

    assert [c["body"] for c in emma_sees["results"]] == ["Looking into it."]
    assert emma_sees["count"] == 1
    assert sam_sees["count"] == 2
    assert internal.status_code == 403
    assert internal.json()["code"] == "internal_notes_staff_only"
    assert public.status_code == 201
    assert public.json()["author"] == "emma" and public.json()["visibility"] == "public"
    assert incident.comments.count() == 3


def test_staff_post_internal_note(api_as, emma, sam):
    incident = make_incident(reporter=emma)

    response = api_as(sam).post(
        f"{API}{incident.pk}/comments/",
        {"body": "Checked logs", "visibility": "internal"},
        format="json",
    )

    assert response.status_code == 201
    assert IncidentComment.objects.get().visibility == "internal"


def test_empty_comment_is_refused(api_as, emma):
    incident = make_incident(reporter=emma)

    response = api_as(emma).post(f"{API}{incident.pk}/comments/", {"body": ""}, format="json")

    assert response.status_code == 400
    assert "body" in response.json()["errors"]


# --- History -------------------------------------------------------------------------------


def test_history_lists_field_changes(api_as, emma, ravi, sam):
    incident = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    url = f"{API}{incident.pk}/history/"

    staff = api_as(sam).get(url).json()
    employee = api_as(emma).get(url).json()

    assert staff["count"] == employee["count"] == 2
    created, assigned = staff["results"]
    assert created["history_type"] == "+" and created["history_user"] == "emma"
    assert {"field": "status", "old": None, "new": "new"} in created["changes"]
    assert assigned["change_reason"] == "assign" and assigned["status"] == "assigned"
    changes = {c["field"]: (c["old"], c["new"]) for c in assigned["changes"]}
    assert changes["status"] == ("new", "assigned")
    assert changes["assignee"] == (None, ravi.pk)
    assert changes["assignment_group"] == (None, network_team().pk)
    employee_fields = {c["field"] for c in employee["results"][1]["changes"]}
    assert employee_fields == {"status"}


def test_history_diff_spans_pages(api_as, emma):
    incident = make_incident(reporter=emma, title="one")
    for version, title in enumerate(["two", "three", "four"], start=1):
        services.incident_update(
            incident_id=incident.pk,
            actor=emma,
            changes={"title": title},
            expected_version=version,
        )

    page = api_as(emma).get(f"{API}{incident.pk}/history/", {"page_size": 2, "page": 2}).json()

    assert [c for c in page["results"][0]["changes"]] == [
        {"field": "title", "old": "two", "new": "three"}
    ]
    assert page["results"][1]["changes"] == [{"field": "title", "old": "three", "new": "four"}]


def test_employees_get_the_name_of_internal_reasons_only(api_as, emma, ravi, sam):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    services.incident_transition(
        incident_id=incident.pk, name="escalate_to_manager", actor=ravi, reason="Vendor is slow"
    )
    services.incident_transition(
        incident_id=incident.pk, name="cancel", actor=sam, reason="Raised twice"
    )
    url = f"{API}{incident.pk}/history/"

    employee = [row["change_reason"] for row in api_as(emma).get(url).json()["results"]]
    staff = [row["change_reason"] for row in api_as(sam).get(url).json()["results"]]

    assert employee[-2:] == ["escalate_to_manager", "cancel: Raised twice"]
    assert staff[-2:] == ["escalate_to_manager: Vendor is slow", "cancel: Raised twice"]


# --- Query budgets -------------------------------------------------------------------------


def _incidents_for(emma, ravi, sam, category):
    team = network_team()

    def make_rows(count):
        for index in range(count):
            incident = make_incident(reporter=emma, category=category)
            if index % 2:
                incident = services.incident_transition(
                    incident_id=incident.pk, name="assign", actor=ravi, group=team, assignee=ravi
                )
            services.incident_watch(incident_id=incident.pk, actor=sam)

    return make_rows


@pytest.mark.parametrize("persona", ["emma", "sam"])
def test_incident_list_query_count_is_constant(request, persona, emma, ravi, sam, network_category):
    client = logged_in(request.getfixturevalue(persona))

    def list_all():
        response = client.get(API, {"page_size": 100})
        assert response.status_code == 200

    count = assert_constant_queries(_incidents_for(emma, ravi, sam, network_category), list_all)

    assert count <= LIST_BUDGET
    assert Incident.objects.count() == 30


@pytest.mark.parametrize("persona", ["emma", "sam"])
def test_comment_list_query_count_is_constant(request, persona, emma, sam):
    incident = make_incident(reporter=emma)
    client = logged_in(request.getfixturevalue(persona))

    def make_rows(count):
        for index in range(count):
            author, visibility = (sam, "internal") if index % 2 else (emma, "public")
            services.incident_comment_add(
                incident_id=incident.pk, actor=author, body=f"note {index}", visibility=visibility
            )

    def list_all():
        assert client.get(f"{API}{incident.pk}/comments/", {"page_size": 100}).status_code == 200

    assert assert_constant_queries(make_rows, list_all) <= COMMENTS_BUDGET
    assert incident.comments.count() == 30


@pytest.mark.parametrize("persona", ["emma", "sam"])
@pytest.mark.parametrize("page", [1, 2])
def test_history_query_count_is_constant(request, persona, page, emma):
    incident = make_incident(reporter=emma)
    client = logged_in(request.getfixturevalue(persona))
    edits = iter(range(1, 100))

    def make_rows(count):
        for _ in range(count):
            version = next(edits)
            services.incident_update(
                incident_id=incident.pk,
                actor=emma,
                changes={"title": f"edit {version}"},
                expected_version=version,
            )

    def list_page():
        params = {"page_size": 2 if page == 2 else 100, "page": page}
        assert client.get(f"{API}{incident.pk}/history/", params).status_code == 200

    assert assert_constant_queries(make_rows, list_page) <= HISTORY_BUDGET
    assert incident.history.count() == 31


# --- Transitions ---------------------------------------------------------------------------


def _confirmed(incident, people):
    return services.incident_transition(
        incident_id=incident.pk, name="confirm", actor=people["emma"]
    )


class Set:
    """Equal to any value but None (a timestamp the transition must have filled in)."""

    def __eq__(self, other):
        return other is not None

    def __repr__(self):
        return "<set>"


SET = Set()

# endpoint, starting status, actor, body, expected fields of the answer ("a.b" looks
# inside a nested object). In bodies "@name" stands for that person's id.
# fmt: off
HAPPY = [
    ("assign", Status.NEW, "ravi", {"group": "@network", "assignee": "@ravi"},
     {"status": "assigned", "assignee.username": "ravi"}),
    ("start", Status.ASSIGNED, "ravi", {}, {"status": "in_progress"}),
    ("hold", Status.IN_PROGRESS, "ravi", {"hold_reason": "awaiting_vendor"},
     {"status": "on_hold", "hold_reason": "awaiting_vendor"}),
    ("resume", Status.ON_HOLD, "ravi", {}, {"status": "in_progress", "hold_reason": ""}),
    ("escalate", Status.IN_PROGRESS, "ravi", {"kind": "functional"},
     {"status": "assigned", "assignment_group.name": "Network Engineering (tier 3)"}),
    ("escalate", Status.IN_PROGRESS, "ravi", {"kind": "hierarchical", "reason": "Decide"},
     {"status": "in_progress", "assignment_group.name": "Network Operations"}),
    ("resolve", Status.IN_PROGRESS, "ravi",
     {"resolution_code": "workaround", "resolution_notes": "Rebooted."},
     {"status": "resolved", "resolution_code": "workaround"}),
    ("confirm", Status.RESOLVED, "emma", {}, {"status": "resolved", "confirmed_at": SET}),
    ("reject", Status.RESOLVED, "emma", {"reason": "Still broken"},
     {"status": "in_progress", "resolution_code": ""}),
    ("close", "confirmed", "sam", {}, {"status": "closed"}),
    ("cancel", Status.NEW, "sam", {"reason": "Logged twice"}, {"status": "cancelled"}),
    ("declare-major", Status.IN_PROGRESS, "ravi", {"communications_lead": "@sam"},
     {"is_major": True, "commander.username": "ravi", "communications_lead.username": "sam"}),
    ("stand-down-major", "major", "ravi", {}, {"is_major": False, "status": "in_progress"}),
]
# fmt: on


def _body(body: dict, people) -> dict:
    refs = {"@network": network_team().pk} | {f"@{name}": user.pk for name, user in people.items()}
    return {key: refs.get(value, value) for key, value in body.items()}


def _lookup(row: dict, path: str):
    for key in path.split("."):
        row = row[key]
    return row


# endpoint, starting status, actor, body, HTTP status, error code
# fmt: off
REFUSED = [
    ("assign", Status.NEW, "emma", {"group": 1}, 403, "not_permitted"),
    ("assign", Status.NEW, "ravi", {"group": 10**9}, 400, "invalid_input"),
    ("start", Status.NEW, "ravi", {}, 409, "invalid_state"),
    ("hold", Status.IN_PROGRESS, "ravi", {}, 400, "hold_reason_required"),
    ("resume", Status.IN_PROGRESS, "ravi", {}, 409, "invalid_state"),
    ("escalate", Status.NEW, "ravi", {"kind": "functional"}, 409, "invalid_state"),
    ("escalate", Status.IN_PROGRESS, "ravi", {"kind": "sideways"}, 400, "invalid"),
    ("resolve", Status.IN_PROGRESS, "ravi", {"resolution_notes": "Done"}, 400,
     "resolution_code_required"),
    ("confirm", Status.RESOLVED, "sam", {}, 403, "not_permitted"),
    ("reject", Status.RESOLVED, "emma", {}, 400, "reason_required"),
    ("close", Status.RESOLVED, "sam", {}, 409, "confirmation_pending"),
    ("cancel", Status.NEW, "ravi", {"reason": "x"}, 403, "not_permitted"),
    ("declare-major", Status.NEW, "emma", {}, 403, "not_permitted"),
    ("stand-down-major", Status.IN_PROGRESS, "ravi", {}, 409, "not_major"),
    ("start", Status.ASSIGNED, "ravi", {"version": 1}, 409, "stale_version"),
    ("start", Status.ASSIGNED, "ravi", {"status": "closed"}, 400, "invalid"),
]
# fmt: on


def _incident(state, people):
    if state == "confirmed":
        return _confirmed(_incident(Status.RESOLVED, people), people)
    return incident_in(
        Status.IN_PROGRESS if state == "major" else state,
        reporter=people["emma"],
        agent=people["ravi"],
        desk=people["sam"],
        major=state == "major",
    )


@pytest.mark.parametrize(("endpoint", "state", "actor", "body", "expected"), HAPPY)
def test_transition_endpoint(api_as, people, endpoint, state, actor, body, expected):
    incident = _incident(state, people)
    rows = incident.history.count()

    response = api_as(people[actor]).post(
        f"{API}{incident.pk}/{endpoint}/",
        {**_body(body, people), "version": incident.version},
        format="json",
    )

    assert response.status_code == 200, response.content
    row = response.json()
    assert {path: _lookup(row, path) for path in expected} == expected
    assert row["version"] == incident.version + 1
    assert incident.history.count() == rows + 1
    assert incident.history.first().history_user == people[actor]


@pytest.mark.parametrize(("endpoint", "state", "actor", "body", "code", "error"), REFUSED)
def test_refused_transition_changes_nothing(
    api_as, people, endpoint, state, actor, body, code, error
):
    incident = _incident(state, people)
    rows = incident.history.count()

    response = api_as(people[actor]).post(f"{API}{incident.pk}/{endpoint}/", body, format="json")

    assert response.status_code == code, response.content
    assert response.json()["code"] == error
    assert response.json()["detail"]
    after = Incident.objects.get(pk=incident.pk)
    assert (after.status, after.version) == (incident.status, incident.version)
    assert incident.history.count() == rows


@pytest.mark.parametrize("endpoint", ["assign", "resolve", "cancel", "declare-major"])
def test_get_on_a_transition_is_not_allowed(api_as, emma, sam, endpoint):
    incident = make_incident(reporter=emma)

    response = api_as(sam).get(f"{API}{incident.pk}/{endpoint}/")

    assert response.status_code == 405
    assert Incident.objects.get(pk=incident.pk).version == incident.version


def test_api_and_service_write_the_same_history(api_as, people):
    through_api = _incident(Status.IN_PROGRESS, people)
    through_service = _incident(Status.IN_PROGRESS, people)
    params = {"resolution_code": "workaround", "resolution_notes": "Rebooted.", "reason": "ok"}

    response = api_as(people["ravi"]).post(f"{API}{through_api.pk}/resolve/", params, format="json")
    services.incident_transition(
        incident_id=through_service.pk, name="resolve", actor=people["ravi"], **params
    )

    assert response.status_code == 200
    client = api_as(people["sam"])
    by_api = client.get(f"{API}{through_api.pk}/history/").json()["results"][-1]
    by_service = client.get(f"{API}{through_service.pk}/history/").json()["results"][-1]
    for entry in (by_api, by_service):
        entry.pop("history_id"), entry.pop("history_date")
    assert by_api["change_reason"] == "resolve: ok"
    assert [c["field"] for c in by_api["changes"]] == [c["field"] for c in by_service["changes"]]
    assert {k: v for k, v in by_api.items() if k != "changes"} == {
        k: v for k, v in by_service.items() if k != "changes"
    }


def test_priority_override_through_the_api(api_as, emma, sam):
    incident = make_incident(reporter=emma, impact="low", urgency="low")
    url = f"{API}{incident.pk}/override-priority/"
    refused = api_as(sam).post(url, {"priority": 1}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    assert (
        api_as(emma).post(url, {"priority": 1, "reason": "urgent"}, format="json").status_code
        == 403
    )
    response = api_as(sam).post(url, {"priority": 1, "reason": "Board meeting"}, format="json")
    assert response.status_code == 200
    assert response.json()["priority"] == 1 and response.json()["priority_overridden"] is True
    assert incident.history.first().history_change_reason == "priority_override: Board meeting"
    cleared = api_as(sam).post(url, {"priority": None, "reason": "matrix"}, format="json")
    assert cleared.json()["priority"] == 5
