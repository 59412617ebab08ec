"""Confidential incidents (issue 7 §5; the agent part of SECURITY.md T02 and T45).

An incident in a restricted category, subcategory or service is visible only to the
members (and managers) of its assignment group and of the groups above it on the
escalation chain, to service desk leads, and to the people on the record. Every other
staff member gets the employee answer: it is not in any list, search or count, and every
route to it is a 404.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

from incidents import services
from incidents.models import Incident, IncidentComment
from incidents.selectors import (
    incident_attachment_get_for_user,
    incident_list_visible_to,
    incident_open_for_user,
)
from incidents.tests.factories import make_incident, network_team
from incidents.tests.helpers_api import API
from incidents.tests.test_api_query_budgets import LIST_BUDGET
from itsm.models import Category, Service, Team
from itsm.testing.queries import assert_constant_queries
from itsm.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CANARY = "canary5e1"


def hr_team() -> Team:
    return Team.objects.get(name="HR Systems")


@pytest.fixture
def hr_category(people):
    return Category.objects.create(
        kind="incident", name="HR", restricted=True, default_group=hr_team()
    )


@pytest.fixture
def hr_incident(eli, sam, hana, hr_category):
    """Eli's HR incident, routed to HR Systems, with a comment, a work note and a file."""
    incident = make_incident(
        reporter=eli,
        category=hr_category,
        title=f"Salary file shared {CANARY}",
        description=f"Everyone can open it {CANARY}",
    )
    services.incident_comment_add(incident_id=incident.pk, actor=eli, body=f"Public {CANARY}")
    services.incident_comment_add(
        incident_id=incident.pk, actor=hana, body=f"Note {CANARY}", visibility="internal"
    )
    upload = SimpleUploadedFile(f"{CANARY}.txt", CANARY.encode(), content_type="text/plain")
    services.incident_attachment_add(incident_id=incident.pk, actor=eli, upload=upload)
    return incident


def visible(user, incident) -> bool:
    return incident_list_visible_to(user=user).filter(pk=incident.pk).exists()


# --- Who sees a restricted incident --------------------------------------------------------


@pytest.mark.parametrize(
    "persona, sees",
    [
        ("hana", True),  # member of the assignment group (HR Systems)
        ("sam", True),  # service desk lead
        ("admin_user", True),  # superuser
        ("eli", True),  # reporter
        ("ravi", False),  # tier-2 network resolver
        ("nina", False),  # tier-3 resolver, not on HR's escalation chain
        ("dana", False),  # service desk agent, not a lead
        ("pat", False),  # problem manager (may view incidents)
        ("chris", False),  # change manager (may view incidents)
        ("emma", False),  # another employee
    ],
)
def test_who_sees_a_restricted_incident(request, hr_incident, persona, sees):
    user = request.getfixturevalue(persona)

    assert visible(user, hr_incident) is sees


def test_staff_still_see_every_unrestricted_incident(ravi, dana, emma, hr_category):
    unclassified = make_incident(reporter=emma)
    other = make_incident(
        reporter=emma, category=Category.objects.create(kind="incident", name="X")
    )

    for agent in (ravi, dana):
        assert visible(agent, unclassified) and visible(agent, other)


@pytest.mark.parametrize("role", ["watcher", "assignee", "affected_user", "commander"])
def test_people_on_the_record_see_it(hana, sam, ravi, eli, hr_incident, role):
    if role == "watcher":
        services.incident_watch(incident_id=hr_incident.pk, actor=ravi, watching=True)
    elif role == "assignee":
        # Assigned by name to someone outside the group (the service checks membership,
        # so make ravi a member first, then take him out again).
        hr_team().members.add(ravi)
        services.incident_transition(
            incident_id=hr_incident.pk, name="assign", actor=hana, assignee=ravi
        )
        hr_team().members.remove(ravi)
    elif role == "affected_user":
        hr_incident = make_incident(
            reporter=sam, affected_user=ravi, category=hr_incident.category, title="For ravi"
        )
    else:
        services.incident_transition(
            incident_id=hr_incident.pk, name="declare_major", actor=hana, commander=ravi
        )

    assert visible(ravi, hr_incident)


def test_a_group_manager_sees_the_groups_restricted_incidents(ravi, hr_incident):
    team = hr_team()
    team.manager = ravi
    team.save(update_fields=["manager"])

    assert visible(ravi, hr_incident)


def test_restriction_by_subcategory_or_service_alone(emma, ravi, hana):
    parent = Category.objects.create(kind="incident", name="Software")
    secret_sub = Category.objects.create(
        kind="incident", name="Payroll", parent=parent, restricted=True, default_group=hr_team()
    )
    open_sub = Category.objects.create(kind="incident", name="Mail", parent=parent)
    secret_service = Service.objects.create(name="Payroll", restricted=True)
    by_sub = make_incident(reporter=emma, category=parent, subcategory=secret_sub)
    by_service = make_incident(reporter=emma, category=parent, service=secret_service)
    neither = make_incident(reporter=emma, category=parent, subcategory=open_sub)

    assert not visible(ravi, by_sub) and not visible(ravi, by_service)
    assert visible(ravi, neither)
    assert visible(hana, by_sub)  # routed to HR Systems by the subcategory


# --- The escalation chain: the assignment group and every group above it ------------------


@pytest.fixture
def chain(people):
    """Service Desk (dana) -> Network Operations (ravi) -> Network Engineering (nina)."""
    desk = Team.objects.get(name="Service Desk")
    return desk, network_team(), Team.objects.get(name="Network Engineering (tier 3)")


def _restricted_incident_in(group, reporter, category, actor):
    incident = make_incident(reporter=reporter, category=category, title="Confidential")
    return services.incident_transition(
        incident_id=incident.pk, name="assign", actor=actor, group=group
    )


def test_the_whole_escalation_chain_above_the_group_sees_it(
    chain, emma, sam, dana, ravi, nina, hana, hr_category
):
    desk, _network, _engineering = chain
    incident = _restricted_incident_in(desk, emma, hr_category, sam)

    assert visible(dana, incident)  # the group
    assert visible(ravi, incident)  # the group it escalates to
    assert visible(nina, incident)  # and the one above that
    assert not visible(hana, incident)  # HR Systems is not on this chain


def test_groups_below_the_assignment_group_do_not_see_it(
    chain, emma, sam, dana, ravi, nina, hr_category
):
    _desk, network, _engineering = chain
    incident = _restricted_incident_in(network, emma, hr_category, sam)

    assert visible(ravi, incident) and visible(nina, incident)
    assert not visible(dana, incident)


def test_a_user_in_several_groups_sees_through_any_of_them(chain, emma, sam, hr_category):
    desk, network, engineering = chain
    both = UserFactory(roles=["resolver"])
    hr_team().members.add(both)
    engineering.members.add(both)
    in_desk = _restricted_incident_in(desk, emma, hr_category, sam)
    in_hr = make_incident(reporter=emma, category=hr_category)

    assert visible(both, in_desk) and visible(both, in_hr)


# --- Every read path: lists, search, counts, detail, comments, history, files, API ---------


def test_t02_network_agent_lists_searches_and_counts_without_it(client, ravi, hr_incident, emma):
    mine_to_see = make_incident(reporter=emma, title=f"Printer {CANARY[:7]}")
    api = APIClient()
    api.force_authenticate(ravi)

    for query in [{}, {"search": CANARY}, {"page_size": 1000}, {"ordering": "-created_at"}]:
        body = api.get(API, query).json()
        assert hr_incident.pk not in [row["id"] for row in body["results"]], query
        assert CANARY not in str(body), query
    searched = api.get(API, {"count": "true", "search": CANARY[:7]}).json()
    assert searched["count"] == 1 and searched["results"][0]["id"] == mine_to_see.pk
    assert api.get(API, {"count": "true", "category": hr_incident.category_id}).json()["count"] == 0

    client.force_login(ravi)
    # The page echoes the search box, so search by prefix and look for the whole word.
    for query in ["", f"?search={CANARY[:7]}", f"?search={hr_incident.number}"]:
        page = client.get(f"/portal/incidents/{query}")
        assert page.status_code == 200, query
        assert CANARY not in page.content.decode(), query
        assert f'href="/portal/incidents/{hr_incident.pk}/"' not in page.content.decode(), query


def test_t02_every_route_to_it_is_a_404_for_a_network_agent(client, ravi, hr_incident):
    attachment = hr_incident.attachments.get()
    api = APIClient()
    api.force_authenticate(ravi)
    client.force_login(ravi)

    for path in ["", "comments/", "history/"]:
        response = api.get(f"{API}{hr_incident.pk}/{path}")
        assert response.status_code == 404, path
        assert CANARY not in response.content.decode()
    for url in [
        f"/portal/incidents/{hr_incident.pk}/",
        f"/portal/incidents/attachments/{attachment.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert CANARY.encode() not in b"".join(response)
    with pytest.raises(Exception) as raised:
        incident_attachment_get_for_user(user=ravi, pk=attachment.pk)
    assert raised.typename == "Http404"


def test_t02_a_network_agent_cannot_write_to_it(ravi, hr_incident):
    api = APIClient()
    api.force_authenticate(ravi)
    version = hr_incident.version
    writes = [
        ("patch", "", {"title": "mine", "version": version}),
        ("post", "comments/", {"body": "hello"}),
        ("post", "assign/", {"group": network_team().pk, "assignee": ravi.pk}),
        ("post", "start/", {}),
        ("post", "resolve/", {"resolution_code": "workaround", "resolution_notes": "x"}),
    ]

    for method, path, data in writes:
        response = getattr(api, method)(f"{API}{hr_incident.pk}/{path}", data, format="json")
        assert response.status_code == 404, path

    hr_incident.refresh_from_db()
    assert hr_incident.version == version and hr_incident.assignee is None
    assert IncidentComment.objects.filter(incident=hr_incident).count() == 2


def test_t02_staff_cannot_link_to_it_through_the_api(ravi, emma, hr_incident):
    api = APIClient()
    api.force_authenticate(ravi)

    response = api.post(API, {"title": "Linked", "parent": hr_incident.pk}, format="json")

    assert response.status_code == 400 and set(response.json()["errors"]) == {"parent"}
    assert CANARY not in response.content.decode()


def test_the_people_who_may_see_it_get_it_everywhere(client, hana, sam, hr_incident):
    for user in (hana, sam):
        api = APIClient()
        api.force_authenticate(user)
        assert api.get(f"{API}{hr_incident.pk}/").status_code == 200
        assert len(api.get(f"{API}{hr_incident.pk}/comments/").json()["results"]) == 2
        assert api.get(API, {"count": "true", "search": CANARY}).json()["count"] == 1
        client.force_login(user)
        assert CANARY in client.get(f"/portal/incidents/{hr_incident.pk}/").content.decode()


def test_portal_home_lists_only_the_users_own_open_incidents(ravi, hr_incident, eli):
    assert incident_open_for_user(user=ravi) == []
    assert incident_open_for_user(user=eli) == [hr_incident]


# --- T45: an agent's token sees only what the agent sees ----------------------------------


def token_client(user) -> APIClient:
    _instance, token = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_t45_an_agents_token_does_not_reach_restricted_incidents(ravi, hana, hr_incident):
    ravis = token_client(ravi)
    hanas = token_client(hana)

    assert ravis.get(f"{API}{hr_incident.pk}/").status_code == 404
    assert ravis.get(API, {"count": "true", "search": CANARY}).json()["count"] == 0
    assert ravis.get(f"{API}{hr_incident.pk}/history/").status_code == 404
    assert hanas.get(f"{API}{hr_incident.pk}/").status_code == 200
    assert hanas.get(API, {"count": "true", "search": CANARY}).json()["count"] == 1


# --- Losing sight by one's own write ------------------------------------------------------


def test_escalating_it_away_answers_the_write_and_then_404(chain, emma, sam, dana, hr_category):
    desk, network, _engineering = chain
    incident = _restricted_incident_in(desk, emma, hr_category, sam)
    api = APIClient()
    api.force_authenticate(dana)
    services.incident_transition(incident_id=incident.pk, name="assign", actor=dana, assignee=dana)
    services.incident_transition(incident_id=incident.pk, name="start", actor=dana)

    response = api.post(f"{API}{incident.pk}/escalate/", {}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["assignment_group"]["id"] == network.pk
    assert api.get(f"{API}{incident.pk}/").status_code == 404


def test_portal_sends_the_user_to_the_list_when_a_write_hides_the_incident(
    client, chain, emma, sam, dana, hr_category
):
    desk, network, _engineering = chain
    incident = _restricted_incident_in(desk, emma, hr_category, sam)
    services.incident_transition(incident_id=incident.pk, name="assign", actor=dana, assignee=dana)
    incident = services.incident_transition(incident_id=incident.pk, name="start", actor=dana)
    client.force_login(dana)

    response = client.post(
        f"/portal/incidents/{incident.pk}/transition/escalate/", {"version": incident.version}
    )

    assert response.status_code == 302 and response["Location"] == "/portal/incidents/"
    assert Incident.objects.get(pk=incident.pk).assignment_group == network


# --- Query budget: the scope adds no query per row -----------------------------------------


@pytest.mark.parametrize("persona", ["ravi", "dana"])
def test_restricted_scope_keeps_the_list_query_count_constant(
    request, persona, emma, sam, hr_category, network_category
):
    client = APIClient()
    client.force_login(request.getfixturevalue(persona))

    def make_rows(count):
        for index in range(count):
            category = hr_category if index % 2 else network_category
            make_incident(reporter=emma, category=category)

    def list_all():
        response = client.get(API, {"count": "true", "page_size": 100})
        assert response.status_code == 200

    # The staff list budget plus the count this test asks for.
    assert assert_constant_queries(make_rows, list_all) <= LIST_BUDGET["sam"] + 1
    visible_rows = client.get(API, {"count": "true", "page_size": 100}).json()
    assert visible_rows["count"] == Incident.objects.filter(category=network_category).count()


# --- The demo shows it ----------------------------------------------------------------------


def test_demo_hr_incidents_are_seen_by_hr_and_the_desk_lead_only(db):
    call_command("demo_data", stdout=StringIO())
    hr = Category.objects.get(kind="incident", name="HR", parent=None)
    hr_incidents = set(Incident.objects.filter(category=hr).values_list("pk", flat=True))
    people = {user.username: user for user in get_user_model().objects.all()}

    def sees(username):
        scope = incident_list_visible_to(user=people[username]).filter(category=hr)
        return set(scope.values_list("pk", flat=True))

    assert hr.restricted and len(hr_incidents) >= 2
    assert sees("hana") == sees("sam") == sees("admin") == hr_incidents
    assert sees("ravi") == sees("nina") == sees("dana") == sees("pat") == set()
    assert Incident.objects.exclude(category=hr).count() == len(
        incident_list_visible_to(user=people["ravi"]).exclude(category=hr)
    )
