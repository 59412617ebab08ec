"""The incident portal pages: report, list, detail, comments, files and transitions."""

import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents import services
from incidents.choices import Status
from incidents.models import Incident, IncidentAttachment, IncidentComment
from incidents.tests.factories import incident_in, make_incident, network_team
from itsm.choices import RecordKind
from itsm.models import Category, Service
from itsm.testing.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

REPORT = reverse("incidents:create")
LIST = reverse("incidents:list")
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


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def upload(name="screen.png", content=b"\x89PNG fake image bytes"):
    return SimpleUploadedFile(name, content)


def detail_url(incident, view="detail"):
    return reverse(f"incidents:{view}", kwargs={"pk": incident.pk})


def transition_url(incident, name):
    return reverse("incidents:transition", kwargs={"pk": incident.pk, "name": name})


def snapshot(incident):
    """What must not change when a request is refused."""
    incident.refresh_from_db()
    return (
        incident.status,
        incident.version,
        incident.history.count(),
        incident.comments.count(),
        incident.attachments.count(),
        incident.watchers.count(),
    )


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


def page_text(response) -> str:
    return response.content.decode()


# --- Signing in --------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client, emma):
    incident = make_incident(reporter=emma)
    urls = [LIST, REPORT, detail_url(incident), detail_url(incident, "comment")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_anonymous_post_changes_nothing(client, emma):
    incident = make_incident(reporter=emma)
    before = snapshot(incident)

    response = client.post(detail_url(incident, "comment"), {"body": "hi"})

    assert response.status_code == 302
    assert snapshot(incident) == before


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


def test_list_pages_by_25(as_user, emma):
    for _ in range(26):
        make_incident(reporter=emma)
    client = as_user(emma)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 1
    assert "Page 1 of 2" in page_text(first)
    assert 'href="?page=2"' in page_text(first)


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


# --- Access to someone else's incident (SECURITY.md T01, T05) ---------------------------------


def test_detail_of_someone_elses_incident_is_404_without_its_data(as_user, emma, eli):
    incident = make_incident(reporter=emma, title="secret-canary-7f3")

    response = as_user(eli).get(detail_url(incident))

    assert response.status_code == 404
    assert "secret-canary-7f3" not in page_text(response)


def test_writes_to_someone_elses_incident_are_404_and_change_nothing(as_user, emma, eli, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
    before = snapshot(incident)
    client = as_user(eli)
    version = incident.version
    posts = [
        (detail_url(incident, "comment"), {"body": "hello", "visibility": "public"}),
        (detail_url(incident, "attach"), {"file": upload()}),
        (detail_url(incident, "watch"), {"watching": "1"}),
        (transition_url(incident, "confirm"), {"version": version}),
        (transition_url(incident, "reject"), {"version": version, "reason": "no"}),
    ]

    for url, data in posts:
        assert client.post(url, data).status_code == 404, url

    assert snapshot(incident) == before


def test_attachments_download_only_for_people_who_see_the_incident(as_user, emma, eli):
    incident = make_incident(reporter=emma)
    attachment = services.incident_attachment_add(
        incident_id=incident.pk, actor=emma, upload=upload("notes.txt", b"hello")
    )
    url = reverse("incidents:attachment", kwargs={"pk": attachment.pk})

    mine = as_user(emma).get(url)
    assert mine.status_code == 200
    assert mine["Content-Disposition"].startswith("attachment")
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert b"".join(mine.streaming_content) == b"hello"

    assert as_user(eli).get(url).status_code == 404


def test_detail_lists_attachments_with_download_links(as_user, emma):
    incident = make_incident(reporter=emma)
    attachment = services.incident_attachment_add(
        incident_id=incident.pk, actor=emma, upload=upload("notes.txt", b"hello")
    )

    page = page_text(as_user(emma).get(detail_url(incident)))

    assert reverse("incidents:attachment", kwargs={"pk": attachment.pk}) in page
    assert "notes.txt" in page


def test_attach_from_the_detail_page(as_user, emma):
    incident = make_incident(reporter=emma)

    response = as_user(emma).post(detail_url(incident, "attach"), {"file": upload("log.txt")})

    assert response.status_code == 302
    assert [a.original_name for a in incident.attachments.all()] == ["log.txt"]


def test_bad_attachment_on_the_detail_page_is_refused_next_to_the_field(as_user, emma):
    incident = make_incident(reporter=emma)

    response = as_user(emma).post(
        detail_url(incident, "attach"), {"file": upload("x.svg", b"<svg/>")}
    )

    assert response.status_code == 400
    assert 'id="id_file_error"' in page_text(response)
    assert not incident.attachments.exists()


# --- Comments ------------------------------------------------------------------------------


def test_employee_comment_is_public(as_user, emma):
    incident = make_incident(reporter=emma)

    response = as_user(emma).post(
        detail_url(incident, "comment"), {"body": "Still broken", "visibility": "public"}
    )

    assert response.status_code == 302
    comment = incident.comments.get()
    assert (comment.author, comment.body, comment.visibility) == (emma, "Still broken", "public")


def test_employee_cannot_post_a_work_note_by_forging_the_form(as_user, emma):
    incident = make_incident(reporter=emma)
    before = snapshot(incident)

    response = as_user(emma).post(
        detail_url(incident, "comment"), {"body": "sneaky", "visibility": "internal"}
    )

    assert response.status_code == 403
    assert "Only IT staff can write work notes" in page_text(response)
    assert snapshot(incident) == before


def test_employee_comment_form_offers_no_visibility_choice(as_user, sam, emma):
    incident = make_incident(reporter=emma)

    employee_page = page_text(as_user(emma).get(detail_url(incident)))
    staff_page = page_text(as_user(sam).get(detail_url(incident)))

    assert 'value="internal"' not in employee_page
    assert 'type="hidden" name="visibility" value="public"' in employee_page
    assert 'value="internal"' in staff_page


def test_empty_comment_shows_an_error_and_keeps_nothing(as_user, emma):
    incident = make_incident(reporter=emma)

    response = as_user(emma).post(detail_url(incident, "comment"), {"body": "  "})

    assert response.status_code == 400
    assert 'id="id_body_error"' in page_text(response)
    assert not incident.comments.exists()


def test_work_notes_are_shown_to_staff_and_never_to_employees(as_user, emma, sam):
    incident = make_incident(reporter=emma)
    staff_client = as_user(sam)
    staff_client.post(
        detail_url(incident, "comment"), {"body": "note-canary-1", "visibility": "internal"}
    )
    staff_client.post(
        detail_url(incident, "comment"), {"body": "public-canary-2", "visibility": "public"}
    )
    assert incident.comments.filter(visibility=IncidentComment.Visibility.INTERNAL).exists()

    staff_page = page_text(staff_client.get(detail_url(incident)))
    employee_page = page_text(as_user(emma).get(detail_url(incident)))

    assert "note-canary-1" in staff_page and "public-canary-2" in staff_page
    assert "public-canary-2" in employee_page
    assert "note-canary-1" not in employee_page


# --- Confirm or reject a resolution ----------------------------------------------------------


def test_requester_sees_confirm_and_reject_in_the_resolution_section(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)

    page = page_text(as_user(emma).get(detail_url(incident)))

    assert 'id="resolution"' in page
    assert transition_url(incident, "confirm") in page
    assert transition_url(incident, "reject") in page
    assert f'name="version" value="{incident.version}"' in page


def test_requester_confirms_from_the_portal(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)

    response = as_user(emma).post(
        transition_url(incident, "confirm"), {"version": incident.version}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#resolution")
    incident.refresh_from_db()
    assert incident.confirmed_at is not None
    assert incident.history.first().history_change_reason == "confirm"


def test_reject_without_a_reason_is_refused_and_changes_nothing(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
    before = snapshot(incident)

    response = as_user(emma).post(
        transition_url(incident, "reject"), {"version": incident.version, "reason": ""}
    )

    assert response.status_code == 400
    assert 'id="reject-reason_error"' in page_text(response)
    assert snapshot(incident) == before


def test_reject_with_a_reason_reopens_the_incident(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)

    as_user(emma).post(
        transition_url(incident, "reject"),
        {"version": incident.version, "reason": "Still jams"},
    )

    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS
    assert incident.history.first().history_change_reason == "reject: Still jams"


def test_a_stale_page_is_refused_and_changes_nothing(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
    stale = incident.version - 1
    before = snapshot(incident)

    response = as_user(emma).post(
        transition_url(incident, "confirm"), {"version": stale}, follow=True
    )

    assert "changed by someone else" in page_text(response)
    assert snapshot(incident) == before


def test_employee_cannot_run_staff_transitions(as_user, emma):
    incident = make_incident(reporter=emma)
    before = snapshot(incident)

    response = as_user(emma).post(
        transition_url(incident, "resolve"),
        {"version": incident.version, "resolution_code": "workaround", "resolution_notes": "x"},
        follow=True,
    )

    assert "Only IT staff" in page_text(response)
    assert snapshot(incident) == before


def test_unknown_transition_is_404(as_user, sam, emma):
    incident = make_incident(reporter=emma)

    response = as_user(sam).post(transition_url(incident, "explode"), {"version": 1})

    assert response.status_code == 404


def test_transitions_refuse_get(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)

    assert as_user(emma).get(transition_url(incident, "confirm")).status_code == 405
    assert snapshot(incident)[0] == Status.RESOLVED


# --- Staff work --------------------------------------------------------------------------------


def test_staff_see_the_actions_the_workflow_offers_them(as_user, emma, sam, ravi):
    new = make_incident(reporter=emma)
    assigned = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)

    new_page = page_text(as_user(ravi).get(detail_url(new)))
    assigned_page = page_text(as_user(ravi).get(detail_url(assigned)))
    employee_page = page_text(as_user(emma).get(detail_url(assigned)))

    assert transition_url(new, "assign") in new_page
    assert transition_url(new, "start") not in new_page
    assert transition_url(assigned, "start") in assigned_page
    assert transition_url(assigned, "resolve") in assigned_page
    assert transition_url(assigned, "close") not in assigned_page
    assert 'id="actions"' not in employee_page


def test_staff_assign_from_the_portal(as_user, emma, sam, ravi):
    incident = make_incident(reporter=emma)
    team = network_team()

    as_user(sam).post(
        transition_url(incident, "assign"),
        {"version": incident.version, "group": team.pk, "assignee": ravi.pk},
    )

    incident.refresh_from_db()
    assert (incident.status, incident.assignment_group, incident.assignee) == (
        Status.ASSIGNED,
        team,
        ravi,
    )


def test_assigning_someone_outside_the_group_is_an_error_on_the_assignee(as_user, emma, sam, nina):
    incident = make_incident(reporter=emma)
    before = snapshot(incident)

    response = as_user(sam).post(
        transition_url(incident, "assign"),
        {"version": incident.version, "group": network_team().pk, "assignee": nina.pk},
    )

    assert response.status_code == 400
    assert 'id="assign-assignee_error"' in page_text(response)
    assert snapshot(incident) == before


def test_hold_needs_a_reason(as_user, emma, sam, ravi):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    before = snapshot(incident)

    response = as_user(ravi).post(transition_url(incident, "hold"), {"version": incident.version})

    assert response.status_code == 400
    assert 'id="hold-hold_reason_error"' in page_text(response)
    assert snapshot(incident) == before


def test_start_and_resume_buttons_move_the_incident(as_user, emma, sam, ravi):
    incident = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    client = as_user(ravi)

    client.post(transition_url(incident, "start"), {"version": incident.version})
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS

    client.post(
        transition_url(incident, "hold"),
        {"version": incident.version, "hold_reason": "awaiting_vendor"},
    )
    incident.refresh_from_db()
    assert (incident.status, incident.hold_reason) == (Status.ON_HOLD, "awaiting_vendor")

    client.post(transition_url(incident, "resume"), {"version": incident.version})
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS


def test_close_before_confirmation_is_refused_with_the_rule(as_user, emma, sam, ravi):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
    before = snapshot(incident)

    response = as_user(sam).post(
        transition_url(incident, "close"), {"version": incident.version}, follow=True
    )

    assert "has not confirmed the resolution" in page_text(response)
    assert snapshot(incident) == before


HISTORY_FIELDS = [
    "status",
    "resolution_code",
    "resolution_notes",
    "resolved_by_id",
    "history_user_id",
    "history_change_reason",
    "history_type",
    "version",
    "hold_reason",
    "assignee_id",
]


def test_portal_resolve_writes_the_same_single_history_row_as_the_service(as_user, emma, sam, ravi):
    by_portal = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    by_service = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    rows_before = by_portal.history.count()
    params = {"resolution_code": "workaround", "resolution_notes": "Cleared the queue."}

    response = as_user(ravi).post(
        transition_url(by_portal, "resolve"), {"version": by_portal.version, **params}
    )
    services.incident_transition(
        incident_id=by_service.pk,
        name="resolve",
        actor=ravi,
        expected_version=by_service.version,
        **params,
    )

    assert response.status_code == 302
    assert by_portal.history.count() == rows_before + 1
    portal_row = by_portal.history.values(*HISTORY_FIELDS).first()
    service_row = by_service.history.values(*HISTORY_FIELDS).first()
    assert portal_row == service_row
    assert portal_row["status"] == Status.RESOLVED


# --- Watching -------------------------------------------------------------------------------


def test_watch_and_unwatch(as_user, emma, sam):
    incident = make_incident(reporter=emma)
    client = as_user(sam)

    client.post(detail_url(incident, "watch"), {"watching": "1"})
    assert list(incident.watchers.all()) == [sam]
    assert "Stop watching" in page_text(client.get(detail_url(incident)))

    client.post(detail_url(incident, "watch"), {"watching": "0"})
    assert not incident.watchers.exists()


def test_unwatching_the_last_link_to_an_incident_returns_to_the_list(as_user, emma, eli):
    incident = make_incident(reporter=eli)
    services.incident_watch(incident_id=incident.pk, actor=emma)

    response = as_user(emma).post(detail_url(incident, "watch"), {"watching": "0"})

    assert response["Location"] == LIST


# --- Rendering user content (SECURITY.md T39) -------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[y](JaVaScRiPt:alert(1))",
    "[z](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '"><svg onload=alert(1)>',
    "[m](java\nscript:alert(1))",
]


class ActiveContent(HTMLParser):
    """Collects what a browser would run: script tags, on* handlers, script URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/itsm/"):
            self.found.append(tag)  # only the project's own static scripts are expected
        if tag in ("svg", "img", "iframe", "object"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(name)
            url = re.sub(r"\s", "", (value or "")).lower()
            if name in ("href", "src") and url.startswith(("javascript:", "data:")):
                self.found.append(f"{name}={value}")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


def test_user_content_renders_inert_in_list_and_detail(as_user, emma, sam):
    payload = "\n\n".join(XSS)
    incident = make_incident(reporter=emma, title=" ".join(XSS)[:200], description=payload)
    services.incident_comment_add(incident_id=incident.pk, actor=emma, body=payload)
    services.incident_comment_add(
        incident_id=incident.pk, actor=sam, body=payload, visibility="internal"
    )
    services.incident_attachment_add(
        incident_id=incident.pk, actor=emma, upload=upload("<img src=x onerror=alert(1)>.png")
    )

    for user in [emma, sam]:
        client = as_user(user)
        for url in [LIST, detail_url(incident)]:
            page = page_text(client.get(url))
            assert "<script>alert" not in page, (user, url)
            assert 'href="javascript:' not in page.lower(), (user, url)
            assert active_content(page) == [], (user, url)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_text(as_user(emma).get(LIST))


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
