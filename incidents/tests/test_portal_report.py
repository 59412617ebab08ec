"""The incident portal pages: reporting an incident, the list and the home page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from incidents import services
from incidents.choices import Status
from incidents.models import Incident, IncidentAttachment
from incidents.tests.factories import incident_in, make_incident, network_team
from incidents.tests.helpers_portal import (
    LIST,
    REPORT,
    page_text,
    upload,
)
from itsm.choices import RecordKind
from itsm.models import Category, Service
from itsm.testing.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


# session, user, roles, page count, page rows
LIST_QUERY_BUDGET = 5


@pytest.fixture
def reference():
    hardware = Category.objects.create(kind=RecordKind.INCIDENT, name="Hardware")
    software = Category.objects.create(kind=RecordKind.INCIDENT, name="Software")
    return {
        "hardware": hardware,
        "printer": Category.objects.create(
            kind=RecordKind.INCIDENT, name="Printer", parent=hardware
        ),
        "software": software,
        "mail_app": Category.objects.create(
            kind=RecordKind.INCIDENT, name="Mail app", parent=software
        ),
        "email": Service.objects.create(name="Email"),
    }


def report_data(reference, **overrides):
    data = {
        "title": "Printer jams on every page",
        "description": "Error **E-42** since this morning.",
        "category": reference["hardware"].pk,
        "subcategory": reference["printer"].pk,
        "service": reference["email"].pk,
        "urgency": "high",
    }
    data.update(overrides)
    return data


# --- Reporting -----------------------------------------------------------------------------


def test_report_form_labels_fields_and_uses_plain_urgency_words(as_user, emma, reference):
    page = page_text(as_user(emma).get(REPORT))

    for field in ["title", "description", "category", "subcategory", "service", "attachment"]:
        assert f'<label for="id_{field}"' in page
    assert "It stops me working completely" in page
    assert "It slows me down" in page
    assert "It is an inconvenience" in page
    assert 'enctype="multipart/form-data"' in page


def test_report_creates_the_incident_and_shows_its_number(as_user, emma, reference):
    client = as_user(emma)

    response = client.post(REPORT, report_data(reference), follow=True)

    incident = Incident.objects.get()
    assert response.redirect_chain == [(incident.get_absolute_url(), 302)]
    assert incident.number in page_text(response)
    assert "has been logged" in page_text(response)
    assert (incident.reporter, incident.affected_user) == (emma, emma)
    assert incident.category == reference["hardware"]
    assert incident.subcategory == reference["printer"]
    assert incident.service == reference["email"]
    assert incident.urgency == "high"


def test_report_with_a_valid_attachment_stores_it(as_user, emma, reference):
    data = report_data(reference, attachment=upload("screen.png"))

    as_user(emma).post(REPORT, data)

    incident = Incident.objects.get()
    assert [a.original_name for a in incident.attachments.all()] == ["screen.png"]


def test_report_errors_keep_the_input_and_point_at_the_fields(as_user, emma, reference):
    data = report_data(reference, title="", description="Kept <b>as typed</b>")

    response = as_user(emma).post(REPORT, data)

    page = page_text(response)
    assert response.status_code == 400
    assert not Incident.objects.exists()
    assert 'role="alert"' in page
    assert 'href="#id_title"' in page
    assert re.search(r'<input[^>]*aria-describedby="[^"]*id_title_error[^"]*"', page)
    assert 'id="id_title_error"' in page
    assert "Kept &lt;b&gt;as typed&lt;/b&gt;</textarea>" in page
    assert re.search(rf'<option value="{reference["printer"].pk}"[^>]*selected', page)
    assert re.search(r'value="high"[^>]*checked', page)


def test_report_refuses_a_subcategory_of_another_category(as_user, emma, reference):
    data = report_data(reference, subcategory=reference["mail_app"].pk)

    response = as_user(emma).post(REPORT, data)

    assert response.status_code == 400
    assert "does not belong to the category" in page_text(response)
    assert 'id="id_subcategory_error"' in page_text(response)
    assert not Incident.objects.exists()


def test_report_with_a_bad_attachment_creates_nothing(as_user, emma, reference):
    bad = upload("page.html", b"<script>alert(1)</script>")

    response = as_user(emma).post(REPORT, report_data(reference, attachment=bad))

    page = page_text(response)
    assert response.status_code == 400
    assert 'id="id_attachment_error"' in page
    assert "are not accepted" in page
    assert re.search(r'<input[^>]*aria-describedby="[^"]*id_attachment_error', page)
    assert not Incident.objects.exists()
    assert not IncidentAttachment.objects.exists()
    assert 'value="Printer jams on every page"' in page


def test_report_leaves_no_incident_when_storing_the_attachment_fails(
    as_user, emma, reference, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError("The file could not be stored.")

    monkeypatch.setattr(services, "incident_attachment_add", refuse)

    response = as_user(emma).post(REPORT, report_data(reference, attachment=upload()))

    assert response.status_code == 400
    assert "The file could not be stored." in page_text(response)
    assert not Incident.objects.exists()


# --- The list ------------------------------------------------------------------------------


def test_employees_list_only_what_they_reported_are_affected_by_or_watch(as_user, emma, eli, sam):
    mine = make_incident(reporter=emma, title="mine-canary")
    for_me = make_incident(reporter=sam, affected_user=emma, title="affects-me-canary")
    watched = make_incident(reporter=eli, title="watched-canary")
    services.incident_watch(incident_id=watched.pk, actor=emma)
    make_incident(reporter=eli, title="hidden-canary")

    page = page_text(as_user(emma).get(LIST))

    for incident in [mine, for_me, watched]:
        assert incident.number in page
    assert "hidden-canary" not in page


def test_staff_list_everything_and_filter_by_status(as_user, emma, eli, sam, ravi):
    resolved = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam, title="r-one")
    fresh = make_incident(reporter=eli, title="n-one")
    client = as_user(sam)

    everything = page_text(client.get(LIST))
    only_resolved = page_text(client.get(LIST, {"status": "resolved"}))

    assert resolved.number in everything and fresh.number in everything
    assert resolved.number in only_resolved
    assert fresh.number not in only_resolved


def test_list_pages_by_25_newest_first_with_older_and_newer_links(as_user, emma):
    made = [make_incident(reporter=emma) for _ in range(26)]
    client = as_user(emma)

    first = client.get(LIST)
    older = first.context["page"].next_cursor
    second = client.get(LIST, {"cursor": older})
    back = client.get(LIST, {"cursor": second.context["page"].previous_cursor})

    assert [i.number for i in first.context["page"].rows] == [i.number for i in made[:0:-1]]
    assert [i.number for i in second.context["page"].rows] == [made[0].number]
    assert [i.number for i in back.context["page"].rows] == [i.number for i in made[:0:-1]]
    assert f'href="?cursor={older}"' in page_text(first)
    assert "Newer" not in page_text(first) and "Newer" in page_text(second)
    assert second.context["page"].next_cursor is None


def test_list_with_a_broken_cursor_shows_the_first_page(as_user, emma):
    mine = make_incident(reporter=emma)

    response = as_user(emma).get(LIST, {"cursor": "not-a-cursor"})

    assert response.status_code == 200
    assert [i.number for i in response.context["page"].rows] == [mine.number]


@pytest.mark.parametrize("viewer", ["emma", "sam"])
def test_list_query_count_does_not_grow_with_rows(as_user, people, viewer, reference):
    emma, ravi = people["emma"], people["ravi"]
    client = as_user(people[viewer])

    def make_rows(count):
        for _ in range(count):
            incident = make_incident(
                reporter=emma, category=reference["hardware"], service=reference["email"]
            )
            services.incident_transition(
                incident_id=incident.pk,
                name="assign",
                actor=ravi,
                group=network_team(),
                assignee=ravi,
            )

    def request():
        assert client.get(LIST).status_code == 200

    count = assert_constant_queries(make_rows, request, small=3, large=30)
    assert count <= LIST_QUERY_BUDGET


# --- Home page --------------------------------------------------------------------------------


def test_home_page_shows_my_open_incidents(as_user, emma, eli, sam, ravi):
    mine = make_incident(reporter=emma, title="my-open-canary")
    closed = incident_in(Status.CLOSED, reporter=emma, agent=ravi, desk=sam, title="closed-one")
    make_incident(reporter=eli, title="not-mine-canary")

    page = page_text(as_user(emma).get(reverse("portal:home")))

    assert "My open incidents" in page
    assert mine.number in page and "my-open-canary" in page
    assert mine.get_absolute_url() in page
    assert closed.number not in page
    assert "not-mine-canary" not in page
    assert f'href="{LIST}"' in page


def test_list_search_uses_the_shared_filters(as_user, emma):
    wanted = make_incident(reporter=emma, title="VPN drops every hour")
    make_incident(reporter=emma, title="Printer jams")
    page = as_user(emma).get(LIST, {"search": "vpn"}).content.decode()
    assert wanted.number in page and "Printer jams" not in page
    by_number = as_user(emma).get(LIST, {"search": wanted.number.lower()}).content.decode()
    assert "VPN drops every hour" in by_number and "Printer jams" not in by_number
