"""The incident staff console: the change form, adding incidents and history."""

from html import unescape
from html.parser import HTMLParser

from incidents import services
from incidents.choices import Status
from incidents.models import Incident
from incidents.tests.factories import incident_in, make_incident
from incidents.tests.helpers_admin import (
    CHANGELIST,
    change_url,
    history_count,
    latest_history,
    refresh,
)
from itsm.models import Category


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
