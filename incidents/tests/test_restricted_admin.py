"""Confidential incidents in the staff console (issue 7 §5, SECURITY.md T02).

A staff member outside a restricted incident's escalation chain finds it in no admin
list, search or autocomplete, and every admin page of it (change, history, each
historical version, delete, transitions, its comments and files) is a 404.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents import services
from incidents.models import Incident, IncidentAttachment, IncidentComment
from incidents.tests.factories import make_incident
from incidents.tests.helpers_admin import CHANGELIST, change_url, refresh
from incidents.tests.test_admin_edit import form_data
from itsm.models import Category, Service, Team

pytestmark = pytest.mark.django_db

CANARY = "canary9b4"


@pytest.fixture
def hr_category(people):
    return Category.objects.create(
        kind="incident",
        name="HR",
        restricted=True,
        default_group=Team.objects.get(name="HR Systems"),
    )


@pytest.fixture
def hr_incident(eli, hana, hr_category):
    incident = make_incident(reporter=eli, category=hr_category, title=f"Payroll {CANARY}")
    services.incident_comment_add(
        incident_id=incident.pk, actor=hana, body=f"Note {CANARY}", visibility="internal"
    )
    upload = SimpleUploadedFile(f"{CANARY}.txt", b"x", content_type="text/plain")
    services.incident_attachment_add(incident_id=incident.pk, actor=eli, upload=upload)
    return incident


def body(response) -> str:
    return response.content.decode()


def test_t02_admin_lists_and_searches_leave_it_out(staff, ravi, hr_incident):
    client = staff(ravi)
    # The changelist echoes its search, so search by prefix and look for the whole word.
    pages = [
        CHANGELIST,
        f"{CHANGELIST}?q={CANARY[:7]}",
        f"{CHANGELIST}?category__id__exact={hr_incident.category_id}",
        "/admin/incidents/incidentcomment/",
        f"/admin/incidents/incidentcomment/?q={CANARY[:7]}",
        "/admin/incidents/incidentattachment/",
        f"/admin/autocomplete/?app_label=incidents&model_name=incident&field_name=parent"
        f"&term={CANARY}",
    ]

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert CANARY not in body(response), url
        assert hr_incident.number not in body(response), url
    by_number = body(client.get(f"{CHANGELIST}?q={hr_incident.number}"))
    assert change_url(hr_incident) not in by_number and "0 incidents" in by_number


def test_t02_every_admin_page_of_it_is_a_404(staff, ravi, hr_incident):
    client = staff(ravi)
    comment = IncidentComment.objects.get(incident=hr_incident)
    attachment = IncidentAttachment.objects.get(incident=hr_incident)
    version = hr_incident.history.first().history_id
    comment_version = comment.history.first().history_id
    pages = [
        change_url(hr_incident),
        f"{CHANGELIST}{hr_incident.pk}/history/",
        f"{CHANGELIST}{hr_incident.pk}/history/{version}/",
        f"{CHANGELIST}{hr_incident.pk}/transition/start/",
        f"/admin/incidents/incidentcomment/{comment.pk}/change/",
        f"/admin/incidents/incidentcomment/{comment.pk}/history/",
        f"/admin/incidents/incidentcomment/{comment.pk}/history/{comment_version}/",
        f"/admin/incidents/incidentattachment/{attachment.pk}/change/",
    ]

    for url in pages:
        response = client.get(url)
        assert response.status_code == 404, url
        assert CANARY not in body(response), url
    # Deleting is refused before the record is looked up: the same 403 as for no record.
    missing = client.get(f"{CHANGELIST}999999/delete/").status_code
    assert client.get(f"{CHANGELIST}{hr_incident.pk}/delete/").status_code == missing


def test_the_assignment_group_and_the_leads_work_it_in_the_admin(staff, hana, sam, hr_incident):
    for user in (hana, sam):
        client = staff(user)
        assert CANARY in body(client.get(f"{CHANGELIST}?q={CANARY}"))
        assert client.get(change_url(hr_incident)).status_code == 200
        assert client.get(f"{CHANGELIST}{hr_incident.pk}/history/").status_code == 200


def test_a_missing_record_is_a_404_too(staff, ravi, people):
    assert staff(ravi).get(f"{CHANGELIST}999999/change/").status_code == 404


def test_t02_an_agent_cannot_link_to_it_from_the_admin(staff, ravi, emma, hr_incident):
    own = make_incident(reporter=emma, title="Switch down")
    client = staff(ravi)
    data = form_data(client.get(change_url(own)))

    response = client.post(change_url(own), {**data, "parent": hr_incident.pk, "_save": "Save"})

    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert CANARY not in body(response)
    assert refresh(own).parent_id is None


def test_a_link_to_an_incident_the_editor_cannot_see_stays_hidden_and_kept(
    staff, sam, ravi, emma, hr_incident
):
    child = make_incident(reporter=emma, title="Switch down")
    services.incident_update(incident_id=child.pk, actor=sam, changes={"parent": hr_incident})
    client = staff(ravi)
    page = client.get(change_url(child))
    assert page.status_code == 200 and CANARY not in body(page)

    response = client.post(
        change_url(child), {**form_data(page), "title": "Switch down again", "_save": "Save"}
    )

    assert response.status_code == 302
    edited = refresh(child)
    assert edited.title == "Switch down again" and edited.parent_id == hr_incident.pk


def test_the_child_list_shows_only_children_the_user_may_see(staff, sam, ravi, emma, hr_incident):
    parent = make_incident(reporter=emma, title="Office network down")
    open_child = make_incident(reporter=emma, title="No network on floor 1")
    for child in (open_child, hr_incident):
        services.incident_update(incident_id=child.pk, actor=sam, changes={"parent": parent})

    as_ravi = body(staff(ravi).get(change_url(parent)))
    as_sam = body(staff(sam).get(change_url(parent)))

    assert open_child.number in as_ravi and CANARY not in as_ravi
    assert open_child.number in as_sam and CANARY in as_sam


def test_escalating_it_away_from_the_admin_returns_to_the_list(staff, sam, dana, emma, hr_category):
    desk = Team.objects.get(name="Service Desk")
    incident = make_incident(reporter=emma, category=hr_category)
    services.incident_transition(
        incident_id=incident.pk, name="assign", actor=sam, group=desk, assignee=dana
    )
    services.incident_transition(incident_id=incident.pk, name="start", actor=dana)

    response = staff(dana).post(f"{CHANGELIST}{incident.pk}/transition/escalate/")

    assert response.status_code == 302 and response["Location"] == CHANGELIST
    assert Incident.objects.get(pk=incident.pk).assignment_group.name == "Network Operations"


# --- Who may set the flag -----------------------------------------------------------------


def test_only_administrators_restrict_a_service(staff, chris, admin_user):
    service = Service.objects.create(name="Payroll")
    url = f"/admin/itsm/service/{service.pk}/change/"
    data = {"name": "Payroll", "description": "", "criticality": "medium", "is_active": "on"}

    staff(chris).post(url, {**data, "restricted": "on"})
    assert not Service.objects.get(pk=service.pk).restricted

    response = staff(admin_user).post(url, {**data, "restricted": "on"})
    assert response.status_code == 302
    assert Service.objects.get(pk=service.pk).restricted
