"""The incident API reads: shapes, filters, search, ordering and history."""

import datetime as dt

import pytest

from incidents import services
from incidents.choices import Status
from incidents.tests.factories import incident_in, make_incident, network_team
from incidents.tests.helpers_api import API
from itsm.tests.factories import CategoryFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


# --- Shapes --------------------------------------------------------------------------------------


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
