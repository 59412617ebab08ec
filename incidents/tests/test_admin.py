"""The incident staff console: queues, buttons, bulk actions and edits, all through services."""

from datetime import timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from incidents import services
from incidents.choices import Status
from incidents.models import Incident, IncidentAttachment, IncidentComment, SlaEvent, SlaPause
from incidents.tests.factories import incident_in, make_incident, network_team
from incidents.workflow import WORKFLOW
from itsm.models import Category, Team
from itsm.testing.queries import count_queries
from itsm.workflow import TransitionNotAllowed

CHANGELIST = "/admin/incidents/incident/"
# A ceiling per changelist view, so a constant but wasteful pattern is caught too.
QUERY_BUDGET = 12
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def change_url(incident) -> str:
    return f"{CHANGELIST}{incident.pk}/change/"


def transition_url(incident, name) -> str:
    return f"{CHANGELIST}{incident.pk}/transition/{name}/"


def history_count(incident) -> int:
    return incident.history.count()


def latest_history(incident):
    return Incident.history.filter(id=incident.pk).order_by("-history_id").first()


def refresh(incident) -> Incident:
    return Incident.objects.get(pk=incident.pk)


def rows(response) -> set[str]:
    assert response.status_code == 200, response.content[:500]
    return {incident.number for incident in response.context["cl"].result_list}


def messages_of(response) -> str:
    """The text of the admin's message list on a rendered page."""
    content = response.content.decode()
    start = content.find('<ul class="messagelist">')
    if start < 0:
        return ""
    return unescape(content[start : content.index("</ul>", start)])


@pytest.fixture
def staff(client):
    def login(user):
        client.force_login(user)
        return client

    return login


class FormReader(HTMLParser):
    """The values a browser would submit from the form with ``form_id``."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.data.append(
                (attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.data.append((name, text.removeprefix("\n")))
            self.textarea = None


def form_data(response, form_id="incident_form") -> dict:
    reader = FormReader(form_id)
    reader.feed(response.content.decode())
    data = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


# --- Changelist --------------------------------------------------------------------------

FILTERS = [
    "",
    "?status__exact=assigned",
    "?priority__exact=4",
    "?queue=mine",
    "?queue=my_groups",
    "?queue=unassigned",
    "?sla=soon",
    "?sla=breached",
    "?sla=paused",
    "?is_major__exact=1",
    "?assignment_group__id__exact=1",
    "?q=printer",
    "?o=-3",
]


def test_changelist_queries_do_not_grow_with_rows(staff, sam, ravi, emma):
    client = staff(sam)
    team = network_team()

    def add_rows(count):
        for i in range(count):
            incident = services.incident_create(actor=emma, title=f"Printer {i} is jammed")
            if i % 5 == 0:
                services.incident_transition(
                    incident_id=incident.pk, name="assign", actor=sam, group=team, assignee=ravi
                )

    def measure():
        counts = {}
        for query in FILTERS:
            with count_queries() as queries:
                response = client.get(CHANGELIST + query)
            assert response.status_code == 200
            counts[query or "(none)"] = len(queries)
        return counts

    add_rows(10)
    small = measure()
    add_rows(490)
    large = measure()
    print(f"\nchangelist queries at 10 rows: {small}\nat 500 rows: {large}")

    assert small == large
    assert max(large.values()) <= QUERY_BUDGET


def test_changelist_shows_badge_status_and_sla(staff, sam, emma):
    incident = make_incident(reporter=emma, impact="high", urgency="high")

    html = staff(sam).get(CHANGELIST).content.decode()

    assert incident.number in html
    assert '<span class="priority-badge priority-1"' in html
    assert "left</span>" in html


def test_status_priority_major_and_search_filters(staff, sam, ravi, emma):
    new = make_incident(reporter=emma, title="VPN drops every hour")
    assigned = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    major = services.incident_transition(incident_id=assigned.pk, name="declare_major", actor=sam)
    urgent = make_incident(reporter=emma, impact="high", urgency="high")
    client = staff(sam)

    assert rows(client.get(CHANGELIST + "?status__exact=assigned")) == {assigned.number}
    assert rows(client.get(CHANGELIST + "?priority__exact=1")) == {urgent.number}
    assert rows(client.get(CHANGELIST + "?is_major__exact=1")) == {major.number}
    assert rows(client.get(CHANGELIST + f"?q={new.number}")) == {new.number}
    assert rows(client.get(CHANGELIST + "?q=VPN")) == {new.number}
    assert rows(client.get(CHANGELIST + "?q=emma@example.com")) >= {new.number, urgent.number}
    group = client.get(CHANGELIST + f"?assignment_group__id__exact={network_team().pk}")
    assert rows(group) == {assigned.number}


def test_queue_filters_follow_the_request_user(staff, sam, ravi, emma):
    mine = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    group_only = make_incident(reporter=emma)
    services.incident_transition(
        incident_id=group_only.pk, name="assign", actor=sam, group=network_team()
    )
    desk = make_incident(reporter=emma)
    services.incident_transition(
        incident_id=desk.pk, name="assign", actor=sam, group=Team.objects.get(name="Service Desk")
    )
    new = make_incident(reporter=emma)
    incident_in(Status.CANCELLED, reporter=emma, agent=ravi, desk=sam)
    client = staff(ravi)

    assert rows(client.get(CHANGELIST + "?queue=mine")) == {mine.number}
    assert rows(client.get(CHANGELIST + "?queue=my_groups")) == {mine.number, group_only.number}
    unassigned = rows(client.get(CHANGELIST + "?queue=unassigned"))
    assert unassigned == {group_only.number, desk.number, new.number}


def test_sla_filters_use_the_stored_due_time(staff, sam, ravi, emma, clock):
    urgent = make_incident(reporter=emma, impact="high", urgency="high")
    make_incident(reporter=emma)  # a P4, due days later: in neither list
    held = incident_in(Status.ON_HOLD, reporter=emma, agent=ravi, desk=sam)
    client = staff(sam)
    due = urgent.resolution_due_at

    clock.now = due - timedelta(minutes=30)
    assert rows(client.get(CHANGELIST + "?sla=soon")) == {urgent.number}
    assert rows(client.get(CHANGELIST + "?sla=breached")) == set()
    clock.now = due + timedelta(minutes=5)
    assert rows(client.get(CHANGELIST + "?sla=breached")) == {urgent.number}
    assert "breached 5m ago" in client.get(CHANGELIST).content.decode()
    assert rows(client.get(CHANGELIST + "?sla=paused")) == {held.number}


def test_employee_is_sent_to_the_admin_login(staff, emma):
    response = staff(emma).get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- Transition buttons ------------------------------------------------------------------


def test_change_page_offers_the_available_transitions_as_buttons(staff, sam, ravi, emma):
    incident = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)

    html = staff(ravi).get(change_url(incident)).content.decode()

    assert f'action="{transition_url(incident, "start")}"' in html
    assert f'href="{transition_url(incident, "resolve")}?expected_version=' in html
    assert transition_url(incident, "close") not in html  # not from assigned
    assert 'name="status"' not in html  # status is never an input


def test_buttons_refused_by_the_record_state_are_hidden(staff, sam, ravi, emma):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    incident = services.incident_transition(
        incident_id=incident.pk, name="declare_major", actor=ravi
    )

    html = staff(ravi).get(change_url(incident)).content.decode()

    assert transition_url(incident, "stand_down_major") in html
    assert transition_url(incident, "declare_major") not in html  # already major
    assert transition_url(incident, "hold") in html  # refused only for missing input


def test_button_post_runs_the_transition_and_writes_one_history_row(staff, sam, ravi, emma):
    incident = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    before = history_count(incident)

    response = staff(ravi).post(transition_url(incident, "start"))

    assert response.status_code == 302
    assert response["Location"] == change_url(incident)
    assert refresh(incident).status == Status.IN_PROGRESS
    assert history_count(incident) == before + 1


def test_get_on_a_transition_url_changes_nothing(staff, sam, ravi, emma):
    incident = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    before = history_count(incident)

    response = staff(ravi).get(transition_url(incident, "start"))

    assert response.status_code == 200
    assert b'type="submit"' in response.content
    assert refresh(incident).status == Status.ASSIGNED
    assert refresh(incident).version == incident.version
    assert history_count(incident) == before


def test_refused_transition_shows_the_rule_and_changes_nothing(staff, sam, emma):
    incident = make_incident(reporter=emma)
    before = history_count(incident)

    with pytest.raises(TransitionNotAllowed) as refusal:
        WORKFLOW.check(incident, "start", sam)

    response = staff(sam).post(transition_url(incident, "start"))

    assert response.status_code == 409
    assert escape(refusal.value.message) in response.content.decode()
    assert refresh(incident).status == Status.NEW
    assert history_count(incident) == before


def test_transition_from_a_stale_page_is_refused(staff, sam, ravi, emma):
    incident = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    services.incident_update(
        incident_id=incident.pk, actor=sam, changes={"title": "Renamed"}, expected_version=None
    )

    response = staff(ravi).post(
        transition_url(incident, "start"), {"expected_version": incident.version}
    )

    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert refresh(incident).status == Status.ASSIGNED


def test_transition_form_page_validates_and_then_resolves(staff, sam, ravi, emma):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    client = staff(ravi)
    before = history_count(incident)

    page = client.get(transition_url(incident, "resolve"))
    missing = client.post(transition_url(incident, "resolve"), {"resolution_code": "workaround"})
    done = client.post(
        transition_url(incident, "resolve"),
        {"resolution_code": "workaround", "resolution_notes": "Rebooted the switch."},
    )

    assert 'name="resolution_notes"' in page.content.decode()
    assert missing.status_code == 400
    assert done.status_code == 302
    resolved = refresh(incident)
    assert (resolved.status, resolved.resolution_notes) == (Status.RESOLVED, "Rebooted the switch.")
    assert history_count(incident) == before + 1


def test_admin_button_and_service_write_the_same_history(staff, sam, ravi, emma):
    through_admin = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    through_service = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)

    staff(ravi).post(transition_url(through_admin, "start"))
    services.incident_transition(incident_id=through_service.pk, name="start", actor=ravi)

    fields = ["status", "history_user_id", "history_type", "history_change_reason"]
    admin_row = latest_history(through_admin)
    service_row = latest_history(through_service)
    assert [getattr(admin_row, f) for f in fields] == [getattr(service_row, f) for f in fields]
    assert admin_row.history_change_reason.startswith("start")


def test_comment_and_work_note_go_through_the_service(staff, sam, emma):
    incident = make_incident(reporter=emma)

    response = staff(sam).post(
        transition_url(incident, "comment"), {"body": "Called the user.", "visibility": "internal"}
    )

    assert response.status_code == 302
    comment = IncidentComment.objects.get(incident=incident)
    assert (comment.author, comment.visibility) == (sam, "internal")
    assert comment.history.get().history_change_reason == "comment"


def test_priority_override_needs_a_reason(staff, sam, emma):
    incident = make_incident(reporter=emma)
    client = staff(sam)

    refused = client.post(transition_url(incident, "override_priority"), {"priority": "1"})
    done = client.post(
        transition_url(incident, "override_priority"),
        {"priority": "1", "reason": "CEO affected", "expected_version": incident.version},
    )

    assert refused.status_code == 400
    assert done.status_code == 302
    overridden = refresh(incident)
    assert (overridden.priority, overridden.priority_overridden) == (1, True)


# --- Bulk actions ------------------------------------------------------------------------


def bulk(client, action, incidents, **extra):
    data = {"action": action, "_selected_action": [i.pk for i in incidents], **extra}
    data.setdefault("index", "0")
    return client.post(CHANGELIST, data, follow=True)


def test_bulk_assign_to_me_reports_refused_rows_and_runs_the_rest(staff, sam, ravi, emma):
    fresh = [make_incident(reporter=emma), make_incident(reporter=emma)]
    held = incident_in(Status.ON_HOLD, reporter=emma, agent=ravi, desk=sam)
    counts = {i.pk: history_count(i) for i in [*fresh, held]}

    response = bulk(staff(ravi), "assign_to_me", [*fresh, held])

    assert "Assign to me: 2 done, 1 refused" in messages_of(response)
    assert held.number in messages_of(response)
    for incident in fresh:
        assigned = refresh(incident)
        assert (assigned.status, assigned.assignee) == (Status.ASSIGNED, ravi)
        assert history_count(incident) == counts[incident.pk] + 1
    assert history_count(held) == counts[held.pk]


def test_bulk_assign_to_me_needs_a_team(staff, sam, emma, admin_user):
    incident = make_incident(reporter=emma)

    response = bulk(staff(admin_user), "assign_to_me", [incident])

    assert "not a member of any assignment group" in messages_of(response)
    assert refresh(incident).status == Status.NEW


def test_bulk_assign_to_a_group_asks_for_the_group(staff, sam, emma):
    incidents = [make_incident(reporter=emma), make_incident(reporter=emma)]
    desk = Team.objects.get(name="Service Desk")
    client = staff(sam)

    page = bulk(client, "assign_to_group", incidents)
    form = {"action": "assign_to_group", "apply": "yes", "select_across": "0"}
    selected = {"_selected_action": [i.pk for i in incidents]}
    done = client.post(CHANGELIST, {**form, **selected, "group": desk.pk}, follow=True)

    assert 'name="group"' in page.content.decode()
    assert "Assign to a group: 2 done, 0 refused" in messages_of(done)
    assert {refresh(i).assignment_group for i in incidents} == {desk}


def test_bulk_escalate_moves_working_incidents_up_a_tier(staff, sam, ravi, emma):
    working = incident_in(Status.ASSIGNED, reporter=emma, agent=ravi, desk=sam)
    new = make_incident(reporter=emma)
    before = history_count(working)

    response = bulk(staff(ravi), "escalate_selected", [working, new])

    assert "1 done, 1 refused" in messages_of(response)
    escalated = refresh(working)
    assert escalated.assignment_group.name == "Network Engineering (tier 3)"
    assert history_count(working) == before + 1
    assert refresh(new).status == Status.NEW


def test_bulk_resolve_asks_for_code_and_notes_first(staff, sam, ravi, emma):
    incidents = [incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)]
    incidents.append(incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam))
    counts = {i.pk: history_count(i) for i in incidents}
    client = staff(ravi)

    page = bulk(client, "resolve_selected", incidents)
    # The intermediate page posts back without "index", as Django's own confirmations do.
    form = {
        "action": "resolve_selected",
        "apply": "yes",
        "select_across": "0",
        "_selected_action": [i.pk for i in incidents],
    }
    invalid = client.post(CHANGELIST, {**form, "resolution_code": "workaround"})
    notes = {"resolution_code": "workaround", "resolution_notes": "Replaced the cable."}
    done = client.post(CHANGELIST, {**form, **notes}, follow=True)

    assert 'name="resolution_notes"' in page.content.decode()
    assert 'name="_selected_action"' in page.content.decode()
    assert invalid.status_code == 200 and b"errorlist" in invalid.content
    assert "Resolve: 2 done, 0 refused" in messages_of(done)
    for incident in incidents:
        assert refresh(incident).status == Status.RESOLVED
        assert history_count(incident) == counts[incident.pk] + 1


# --- The change form ---------------------------------------------------------------------


def test_edit_goes_through_the_service_and_recomputes_priority(staff, sam, emma):
    incident = make_incident(reporter=emma, impact="low", urgency="high", description="a\nb")
    client = staff(sam)
    data = form_data(client.get(change_url(incident)))
    before = history_count(incident)
    browser_text = data["description"].replace("\n", "\r\n")  # what browsers submit

    response = client.post(
        change_url(incident),
        {**data, "description": browser_text, "impact": "high", "_save": "Save"},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    edited = refresh(incident)
    assert (edited.impact, edited.priority, edited.version) == ("high", 1, incident.version + 1)
    assert history_count(incident) == before + 1
    row = latest_history(incident)
    assert (row.history_user, row.history_change_reason) == (sam, "update: impact")
    assert edited.description == "a\nb"


def test_stale_version_is_refused_and_nothing_is_saved(staff, sam, ravi, emma):
    incident = make_incident(reporter=emma)
    client = staff(sam)
    data = form_data(client.get(change_url(incident)))
    services.incident_update(
        incident_id=incident.pk, actor=ravi, changes={"urgency": "low"}, expected_version=None
    )
    before = history_count(incident)

    response = client.post(change_url(incident), {**data, "title": "Mine", "_save": "Save"})

    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert refresh(incident).title == incident.title
    assert history_count(incident) == before


def test_a_service_refusal_shows_next_to_its_field(staff, sam, emma):
    network = Category.objects.create(kind="incident", name="Network")
    hardware = Category.objects.create(kind="incident", name="Hardware")
    printer = Category.objects.create(kind="incident", name="Printer", parent=hardware)
    incident = make_incident(reporter=emma)
    client = staff(sam)
    data = form_data(client.get(change_url(incident)))
    before = history_count(incident)

    response = client.post(
        change_url(incident),
        {**data, "category": network.pk, "subcategory": printer.pk, "_save": "Save"},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "does not belong to the chosen category" in str(errors["subcategory"])
    assert refresh(incident).category_id is None
    assert history_count(incident) == before


def test_adding_an_incident_uses_incident_create(staff, sam, emma):
    client = staff(sam)
    page = client.get(f"{CHANGELIST}add/")
    data = {**form_data(page), "title": "Phone call: Wi-Fi down", "affected_user": emma.pk}

    response = client.post(f"{CHANGELIST}add/", {**data, "_save": "Save"})

    assert response.status_code == 302
    incident = Incident.objects.get(title="Phone call: Wi-Fi down")
    assert (incident.reporter, incident.affected_user) == (sam, emma)
    assert (incident.channel, incident.status) == ("phone", Status.NEW)
    assert incident.number.startswith("INC")
    assert latest_history(incident).history_change_reason == "create"


def test_change_page_shows_comments_attachments_children_and_sla(staff, sam, ravi, emma):
    parent = make_incident(reporter=emma)
    child = make_incident(reporter=emma, parent=None)
    services.incident_update(
        incident_id=child.pk, actor=sam, changes={"parent": parent}, expected_version=None
    )
    services.incident_comment_add(
        incident_id=parent.pk, actor=sam, body="Checked the router.", visibility="internal"
    )

    html = staff(sam).get(change_url(parent)).content.decode()

    assert "Checked the router." in html
    assert f'href="{change_url(child)}"' in html
    assert "Counted business time" in html
    assert 'name="version"' in html and 'name="status"' not in html


def test_finished_incident_is_read_only(staff, sam, ravi, emma):
    incident = incident_in(Status.CANCELLED, reporter=emma, agent=ravi, desk=sam)

    html = staff(sam).get(change_url(incident)).content.decode()

    assert 'name="title"' not in html
    assert "/transition/" not in html


# --- History -----------------------------------------------------------------------------


def test_history_page_shows_changes_and_cannot_revert(staff, sam, ravi, emma):
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    client = staff(sam)
    old = Incident.history.filter(id=incident.pk).order_by("history_id").first()
    record_url = f"{CHANGELIST}{incident.pk}/history/{old.history_id}/"

    listing = client.get(f"{CHANGELIST}{incident.pk}/history/")
    record = client.get(record_url)
    posted = client.post(record_url, form_data(record))

    assert listing.status_code == 200
    listed = " ".join(unescape(listing.content.decode()).split())
    assert "<strong>Status:</strong> Assigned \u2192 In progress" in listed
    assert "<strong>Assignee:</strong> None \u2192 ravi" in listed
    assert record.status_code == 200
    assert 'name="_save"' not in record.content.decode()
    assert 'name="title"' not in record.content.decode()  # every field read-only
    assert posted.status_code == 405
    assert refresh(incident).status == Status.IN_PROGRESS
    assert refresh(incident).version == incident.version


# --- Escaping, access and the other incident tables ---------------------------------------


class UnsafeMarkup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found, self.in_script = [], False

    def handle_starttag(self, tag, attrs):
        self.in_script = tag == "script"
        self.found += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]
        if tag == "img" and ("src", "x") in attrs:
            self.found.append("img src=x")

    def handle_data(self, data):
        if self.in_script and "alert(1)" in data:
            self.found.append("script alert")

    def handle_endtag(self, tag):
        self.in_script = False


def unsafe_markup(response) -> list[str]:
    parser = UnsafeMarkup()
    parser.feed(response.content.decode())
    return parser.found


def test_user_text_is_escaped_in_the_console(staff, sam, emma):
    incident = make_incident(reporter=emma, title=XSS[:200], description=XSS)
    services.incident_comment_add(incident_id=incident.pk, actor=emma, body=XSS)
    upload = SimpleUploadedFile("<img src=x onerror=alert(1)>.txt", b"hello")
    services.incident_attachment_add(incident_id=incident.pk, actor=emma, upload=upload)
    client = staff(sam)
    pages = [
        CHANGELIST,
        change_url(incident),
        f"{CHANGELIST}{incident.pk}/history/",
        "/admin/incidents/incidentcomment/",
        "/admin/incidents/incidentattachment/",
    ]

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert unsafe_markup(response) == [], url
        assert "&lt;img src=x onerror=alert(1)&gt;" in response.content.decode(), url


def test_attachments_link_to_the_checked_download(staff, sam, emma):
    incident = make_incident(reporter=emma)
    upload = SimpleUploadedFile("router.log", b"link down")
    attachment = services.incident_attachment_add(
        incident_id=incident.pk, actor=emma, upload=upload
    )

    html = staff(sam).get(change_url(incident)).content.decode()

    download = reverse("incidents:attachment", kwargs={"pk": attachment.pk})
    assert f'<a href="{download}">router.log</a>' in html
    assert "/media-not-served/" not in html


@pytest.mark.parametrize("model", [IncidentComment, IncidentAttachment, SlaPause, SlaEvent])
def test_incident_rows_have_read_only_admins(model, staff, sam):
    model_admin = admin.site._registry[model]
    url = f"/admin/incidents/{model._meta.model_name}/"

    assert staff(sam).get(url).status_code == 200
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)


def test_people_search_answers_staff_only(staff, sam, emma):
    url = f"{CHANGELIST}people/?term=emm"

    found = staff(sam).get(url).json()["results"]
    refused = staff(emma).get(url)

    assert [row["id"] for row in found] == [str(emma.pk)]
    assert refused.status_code == 302
