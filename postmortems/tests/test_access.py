"""Who reads postmortems (IT staff) and the interfaces' write paths."""

import pytest

from postmortems.choices import Status
from postmortems.tests.factories import major_incident, make_postmortem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("suffix", ["", "export.md", "export.pdf"])
def test_employees_get_404_on_every_portal_page(people, client, suffix):
    postmortem = make_postmortem(people)
    client.force_login(people["emma"])
    assert client.get(f"/portal/postmortems/{postmortem.pk}/{suffix}").status_code == 404


def test_the_portal_list_and_page_for_staff(people, client):
    postmortem = make_postmortem(people)
    major_incident(people)  # resolved P1 major, no postmortem yet
    client.force_login(people["alex"])  # a change approver: staff, read only
    listing = client.get("/portal/postmortems/")
    assert listing.status_code == 200
    assert postmortem.title in listing.content.decode()
    assert "Postmortem due" in listing.content.decode()
    page = client.get(f"/portal/postmortems/{postmortem.pk}/")
    assert page.status_code == 200 and "The VPN was down." in page.content.decode()


def test_employees_see_an_empty_list(people, client):
    make_postmortem(people)
    client.force_login(people["emma"])
    response = client.get("/portal/postmortems/")
    assert response.status_code == 200
    assert "The VPN was down" not in response.content.decode()
    assert "Postmortem due" not in response.content.decode()


def test_api_reads_and_runs_transitions(people, api_as):
    postmortem = make_postmortem(people)
    ravi, nina = api_as(people["ravi"]), api_as(people["nina"])
    listing = ravi.get("/api/v1/postmortems/")
    assert listing.status_code == 200 and listing.json()["results"][0]["id"] == postmortem.pk
    detail = ravi.get(f"/api/v1/postmortems/{postmortem.pk}/").json()
    assert detail["timeline"] and detail["services_affected"] == ["VPN"]

    sent = ravi.post(
        f"/api/v1/postmortems/{postmortem.pk}/submit/",
        {"version": detail["version"]},
        format="json",
    )
    assert sent.status_code == 200 and sent.json()["status"] == Status.IN_REVIEW
    stale = nina.post(
        f"/api/v1/postmortems/{postmortem.pk}/approve/",
        {"version": detail["version"]},
        format="json",
    )
    assert stale.status_code == 409
    approved = nina.post(f"/api/v1/postmortems/{postmortem.pk}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == Status.PUBLISHED
    assert (
        ravi.post(f"/api/v1/postmortems/{postmortem.pk}/publish/", {}, format="json").status_code
        == 404
    )


def test_api_is_staff_only(people, api_as):
    postmortem = make_postmortem(people)
    emma = api_as(people["emma"])
    assert emma.get("/api/v1/postmortems/").json()["results"] == []
    assert emma.get(f"/api/v1/postmortems/{postmortem.pk}/").status_code == 404
    assert (
        emma.post(f"/api/v1/postmortems/{postmortem.pk}/submit/", {}, format="json").status_code
        == 404
    )


def test_the_incident_page_offers_the_postmortem_and_says_when_one_is_due(people, client):
    incident = major_incident(people)
    client.force_login(people["sam"])
    page = client.get(f"/admin/incidents/incident/{incident.pk}/change/").content.decode()
    assert "Postmortem due" in page and "Write the postmortem" in page

    url = f"/admin/incidents/incident/{incident.pk}/transition/write_postmortem/"
    assert client.post(url, {"expected_version": incident.version}).status_code == 302
    page = client.get(f"/admin/incidents/incident/{incident.pk}/change/").content.decode()
    assert "Postmortem due" not in page and url not in page
    assert incident.postmortem.status == Status.DRAFT


def test_the_console_edits_a_draft_and_shows_a_published_one_read_only(people, client):
    postmortem = make_postmortem(people)
    client.force_login(people["ravi"])
    url = f"/admin/postmortems/postmortem/{postmortem.pk}/"
    page = client.get(f"{url}change/")
    assert page.status_code == 200 and "Send for review" in page.content.decode()

    response = client.post(
        f"{url}transition/add_action/",
        {"title": "Alert on expiry", "due_date": "2030-01-01", "owner": people["nina"].pk},
    )
    assert response.status_code == 302
    item = postmortem.action_items.get()
    client.post(f"{url}transition/submit/", {})
    client.force_login(people["nina"])
    assert client.post(f"{url}transition/approve/", {}).status_code == 302
    postmortem.refresh_from_db()
    assert postmortem.status == Status.PUBLISHED

    page = client.get(f"{url}change/").content.decode()
    assert 'name="summary"' not in page and "Update action-item progress" in page
    assert client.get(f"{url}transition/add_action/").status_code == 200
    refused = client.post(f"{url}transition/add_action/", {"title": "Late"})
    assert refused.status_code == 409
    done = client.post(f"{url}transition/action_progress/", {"item": item.pk, "status": "done"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"


def test_editing_a_draft_in_the_console_goes_through_the_service(people, client):
    postmortem = make_postmortem(people)
    postmortem.refresh_from_db()
    client.force_login(people["ravi"])
    url = f"/admin/postmortems/postmortem/{postmortem.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "services_affected"}
    for name in ("impact_started_at", "impact_ended_at"):
        value = data.pop(name)
        data[f"{name}_0"], data[f"{name}_1"] = (
            value.strftime("%Y-%m-%d"),
            value.strftime("%H:%M:%S"),
        )
    data.update(
        {
            "version": postmortem.version,
            "summary": "Edited in the console",
            "owner": people["ravi"].pk,
            "services_affected": [s.pk for s in postmortem.services_affected.all()],
            "timeline-TOTAL_FORMS": 0,
            "timeline-INITIAL_FORMS": 0,
            "action_items-TOTAL_FORMS": 0,
            "action_items-INITIAL_FORMS": 0,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    postmortem.refresh_from_db()
    assert postmortem.summary == "Edited in the console"
