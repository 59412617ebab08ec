"""Editing postmortems through the API: fields, action items and their progress, all
through the services; staff only; bad input is a 400, a published one is read-only."""

import pytest

from postmortems import services
from postmortems.models import ActionItem, Postmortem
from postmortems.tests.factories import major_incident, make_postmortem, publish

pytestmark = pytest.mark.django_db

API = "/api/v1/postmortems/"
ITEMS = "/api/v1/postmortem-action-items/"


def test_staff_open_and_edit_a_draft(people, api_as):
    incident = major_incident(people)
    ravi = api_as(people["ravi"])
    opened = ravi.post(API, {"incident": incident.pk}, format="json")
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["status"] == "draft" and body["timeline"]
    assert ravi.post(API, {"incident": incident.pk}, format="json").status_code == 409

    url = f"{API}{body['id']}/"
    edited = ravi.patch(
        url,
        {"summary": "The VPN was down.", "users_affected": 120, "version": body["version"]},
        format="json",
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["summary"] == "The VPN was down."
    assert edited.json()["users_affected"] == 120
    stale = ravi.patch(url, {"summary": "Again", "version": body["version"]}, format="json")
    assert stale.status_code == 409
    assert Postmortem.objects.get(pk=body["id"]).history.count() >= 2


@pytest.mark.parametrize(
    "change",
    [
        {"status": "published"},
        {"summary": 5},
        {"users_affected": -1},
        {"detection": "psychic"},
        {"impact_started_at": "2026-03-02T10:00:00Z", "impact_ended_at": "2026-03-02T09:00:00Z"},
        {"title": "two\nlines"},
        {"problem": 10**30},
    ],
)
def test_bad_edits_are_a_400_and_change_nothing(people, api_as, change):
    postmortem = make_postmortem(people)
    before = Postmortem.objects.get(pk=postmortem.pk).version
    answer = api_as(people["ravi"]).patch(
        f"{API}{postmortem.pk}/", {**change, "version": before}, format="json"
    )
    assert answer.status_code == 400, answer.content
    assert Postmortem.objects.get(pk=postmortem.pk).version == before


def test_action_items_are_added_edited_and_moved_on(people, api_as):
    postmortem = make_postmortem(people)
    ravi = api_as(people["ravi"])
    added = ravi.post(
        f"{API}{postmortem.pk}/action-items/",
        {"title": "Alert on expiry", "owner": people["nina"].pk, "due_date": "2026-04-01"},
        format="json",
    )
    assert added.status_code == 201, added.content
    item = added.json()
    assert item["owner"] == "nina" and item["kind"] == "task" and item["status"] == "open"

    edited = ravi.patch(f"{ITEMS}{item['id']}/", {"due_date": "2026-04-15"}, format="json")
    assert edited.status_code == 200 and edited.json()["due_date"] == "2026-04-15"
    bad = [
        {"title": ""},
        {"status": "done"},
        {"due_date": "soon"},
        {"owner": "nina"},
    ]
    for body in bad:
        assert ravi.patch(f"{ITEMS}{item['id']}/", body, format="json").status_code == 400

    publish(people, postmortem)
    frozen = ravi.patch(f"{ITEMS}{item['id']}/", {"title": "Later"}, format="json")
    assert frozen.status_code == 409
    late = ravi.post(f"{API}{postmortem.pk}/action-items/", {"title": "More"}, format="json")
    assert late.status_code == 409
    moved = ravi.post(f"{ITEMS}{item['id']}/progress/", {"status": "done"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "done"
    unknown = ravi.post(f"{ITEMS}{item['id']}/progress/", {"status": "won"}, format="json")
    assert unknown.status_code == 400
    assert ActionItem.objects.get(pk=item["id"]).title == "Alert on expiry"


def test_an_action_item_links_a_problem_or_a_change_not_both(people, api_as):
    from changes.tests.factories import make_change
    from problems.tests.factories import make_problem

    postmortem = make_postmortem(people)
    problem = make_problem(reported_by=people["sam"])
    change = make_change(requested_by=people["sam"])
    both = api_as(people["ravi"]).post(
        f"{API}{postmortem.pk}/action-items/",
        {"title": "Both", "problem": problem.pk, "change": change.pk},
        format="json",
    )
    assert both.status_code == 400
    assert not ActionItem.objects.exists()


def test_employees_get_404_and_403(people, api_as):
    postmortem = make_postmortem(people)
    item = services.action_item_add(
        postmortem_id=postmortem.pk, actor=people["ravi"], title="Runbook"
    )
    emma = api_as(people["emma"])
    assert emma.patch(f"{API}{postmortem.pk}/", {"version": 1}, format="json").status_code == 404
    assert (
        emma.post(f"{API}{postmortem.pk}/action-items/", {"title": "x"}, format="json").status_code
        == 404
    )
    assert emma.get(f"{ITEMS}{item.pk}/").status_code == 404
    assert emma.patch(f"{ITEMS}{item.pk}/", {"title": "x"}, format="json").status_code == 404
    assert (
        emma.post(f"{ITEMS}{item.pk}/progress/", {"status": "done"}, format="json").status_code
        == 404
    )
    incident = major_incident(people)
    assert emma.post(API, {"incident": incident.pk}, format="json").status_code == 403
