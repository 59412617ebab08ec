"""The incident staff console: queues, filters and bulk actions, all through services."""

from datetime import timedelta
from html import unescape

from django.utils import timezone

from incidents import services
from incidents.choices import Status
from incidents.tests.factories import incident_in, make_incident, network_team
from incidents.tests.helpers_admin import (
    CHANGELIST,
    history_count,
    refresh,
)
from itsm.models import Team
from itsm.testing.queries import count_queries

# A ceiling per changelist view, so a constant but wasteful pattern is caught too.
QUERY_BUDGET = 12


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


def test_age_counts_from_when_the_incident_was_reported(staff, sam, emma):
    week_ago = timezone.now() - timedelta(days=7)
    backdated = make_incident(reporter=sam, affected_user=emma, reported_at=week_ago)

    html = staff(sam).get(CHANGELIST).content.decode()

    row = html[html.index(backdated.number) :]
    age = row[row.index('<td class="field-age">') :]
    assert age.startswith('<td class="field-age">7d 0h</td>')


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

    page = bulk(client, "assign_selected", incidents)
    form = {"action": "assign_selected", "apply": "yes", "select_across": "0"}
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
