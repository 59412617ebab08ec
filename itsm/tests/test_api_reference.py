"""The read-only reference data API: scoping, filters, paging, ordering and query budgets."""

import itertools

import pytest
from rest_framework.test import APIClient

from itsm.choices import Level, RecordKind, Tier
from itsm.models import Category, ConfigurationItem, PriorityMatrixCell, Service, Team
from itsm.testing.queries import assert_constant_queries
from itsm.tests.factories import (
    CategoryFactory,
    ConfigurationItemFactory,
    ServiceFactory,
    TeamFactory,
)

API = "/api/v1/"
ENDPOINTS = ["teams", "services", "configuration-items", "categories", "priority-matrix"]
# Endpoints whose rows can be retired; employees see only the active ones.
WITH_INACTIVE = {
    "teams": TeamFactory,
    "services": ServiceFactory,
    "configuration-items": ConfigurationItemFactory,
    "categories": CategoryFactory,
}
# A per-list ceiling so a constant but wasteful query pattern is caught too.
QUERY_BUDGET = 8


def logged_in(user) -> APIClient:
    # A real session: every request loads the user afresh, as in production, so cached
    # roles on one user object cannot hide per-request queries.
    client = APIClient()
    client.force_login(user)
    return client


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_is_refused(db, endpoint):
    response = APIClient().get(f"{API}{endpoint}/")

    assert response.status_code in {401, 403}
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_not_allowed(admin_user, endpoint, method):
    ConfigurationItemFactory()
    CategoryFactory()
    client = logged_in(admin_user)
    first = client.get(f"{API}{endpoint}/").json()["results"][0]
    url = f"{API}{endpoint}/" if method == "post" else f"{API}{endpoint}/{first['id']}/"

    response = getattr(client, method)(url, {"name": "changed"}, format="json")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert client.get(f"{API}{endpoint}/{first['id']}/").json() == first


@pytest.mark.parametrize(("endpoint", "factory"), WITH_INACTIVE.items())
def test_employees_do_not_see_inactive_rows(emma, sam, endpoint, factory):
    active, retired = factory(), factory(is_active=False)

    assert active.pk in ids(logged_in(emma).get(f"{API}{endpoint}/"))
    assert retired.pk not in ids(logged_in(emma).get(f"{API}{endpoint}/"))
    assert logged_in(emma).get(f"{API}{endpoint}/{retired.pk}/").status_code == 404
    assert retired.pk in ids(logged_in(sam).get(f"{API}{endpoint}/"))
    assert logged_in(sam).get(f"{API}{endpoint}/{retired.pk}/").status_code == 200


def test_filter_teams_by_tier(emma):
    tier2 = TeamFactory(tier=Tier.TIER2)
    tier3 = TeamFactory(tier=Tier.TIER3)

    found = ids(logged_in(emma).get(f"{API}teams/", {"tier": 2, "page_size": 100}))

    assert tier2.pk in found
    assert tier3.pk not in found
    assert set(Team.objects.filter(tier=2).values_list("pk", flat=True)) == found


def test_filter_categories_by_kind_and_top_level(emma):
    network = CategoryFactory(kind=RecordKind.INCIDENT, name="Network")
    vpn = CategoryFactory(parent=network, name="VPN")
    hardware = CategoryFactory(kind=RecordKind.REQUEST, name="Hardware")
    client = logged_in(emma)

    incidents = ids(client.get(f"{API}categories/", {"kind": "incident"}))
    top_level = ids(client.get(f"{API}categories/", {"top_level": "true"}))
    children = ids(client.get(f"{API}categories/", {"parent": network.pk}))

    assert {network.pk, vpn.pk} <= incidents and hardware.pk not in incidents
    assert {network.pk, hardware.pk} <= top_level and vpn.pk not in top_level
    assert children == {vpn.pk}


def test_filter_configuration_items_and_services(emma):
    server = ConfigurationItemFactory(ci_type=ConfigurationItem.Type.SERVER)
    router = ConfigurationItemFactory(ci_type=ConfigurationItem.Type.NETWORK)
    client = logged_in(emma)

    assert ids(client.get(f"{API}configuration-items/", {"ci_type": "network"})) == {router.pk}
    assert ids(client.get(f"{API}services/", {"owner_group": server.owner_group_id})) == {
        server.service_id
    }
    assert ids(client.get(f"{API}services/", {"search": router.service.name})) == {
        router.service_id
    }


def test_filter_priority_matrix(emma):
    found = ids(logged_in(emma).get(f"{API}priority-matrix/", {"priority": 1}))

    assert found == set(PriorityMatrixCell.objects.filter(priority=1).values_list("pk", flat=True))
    assert len(found) == 1


def test_invalid_filter_value_is_a_400_with_code(emma):
    response = logged_in(emma).get(f"{API}teams/", {"tier": "not-a-number"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("endpoint", "name"), [("services/", "is_active"), ("categories/", "top_level")]
)
@pytest.mark.parametrize("value", ["yes", "-81928339585", "tru"])
def test_a_boolean_filter_refuses_what_is_not_a_boolean(emma, endpoint, name, value):
    response = logged_in(emma).get(f"{API}{endpoint}", {name: value})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("endpoint", "name"),
    [("configuration-items/", "criticality"), ("services/", "is_active"), ("teams/", "tier")],
)
def test_an_empty_filter_value_is_a_400_not_every_row(emma, endpoint, name):
    response = logged_in(emma).get(f"{API}{endpoint}?{name}=")

    assert response.status_code == 400
    assert response.json()["errors"] == {name: ["Give a value or leave the parameter out."]}


def test_filters_stay_in_the_schema(emma):
    schema = logged_in(emma).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    parameters = schema.json()["paths"]["/api/v1/configuration-items/"]["get"]["parameters"]

    assert "criticality" in {parameter["name"] for parameter in parameters}


@pytest.mark.parametrize(("value", "expected"), [("true", 1), ("1", 1), ("false", 0), ("0", 0)])
def test_a_boolean_filter_reads_true_and_false(emma, value, expected):
    ServiceFactory(is_active=False)
    before = Service.objects.filter(is_active=False).count()

    response = logged_in(emma).get(f"{API}services/", {"is_active": value})

    assert response.status_code == 200
    assert before == 1
    assert response.json()["count"] == (
        Service.objects.filter(is_active=True).count() if expected else 0
    )


def test_pagination_is_capped(emma):
    TeamFactory.create_batch(105)
    client = logged_in(emma)

    default = client.get(f"{API}teams/").json()
    greedy = client.get(f"{API}teams/", {"page_size": 100000}).json()

    assert default["count"] == Team.objects.count()
    assert len(default["results"]) == 25
    assert default["next"]
    assert len(greedy["results"]) == 100


@pytest.mark.parametrize(
    "ordering", ["bogus", "manager__password", "-escalates_to__manager__password", "id);--"]
)
def test_unknown_ordering_is_ignored(emma, ordering):
    TeamFactory.create_batch(3)
    client = logged_in(emma)
    expected = [row["id"] for row in client.get(f"{API}teams/").json()["results"]]

    response = client.get(f"{API}teams/", {"ordering": ordering})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == expected


def test_allowed_ordering_is_applied(emma):
    TeamFactory.create_batch(3)

    rows = logged_in(emma).get(f"{API}teams/", {"ordering": "-name"}).json()["results"]

    names = [row["name"] for row in rows]
    assert names == sorted(names, reverse=True)


def make_teams(count):
    escalation = TeamFactory(tier=Tier.TIER3)
    TeamFactory.create_batch(count, escalates_to=escalation)


def make_services(count):
    ServiceFactory.create_batch(count)


def make_configuration_items(count):
    for ci in ConfigurationItemFactory.create_batch(count):
        ci.depends_on.add(ConfigurationItemFactory())


def make_categories(count):
    parent = CategoryFactory(default_group=TeamFactory())
    CategoryFactory.create_batch(count, parent=parent, default_group=parent.default_group)


def make_priority_cells(count):
    taken = set(PriorityMatrixCell.objects.values_list("impact", "urgency"))
    free = [pair for pair in itertools.product(Level.values, Level.values) if pair not in taken]
    for impact, urgency in free[:count]:
        PriorityMatrixCell.objects.create(impact=impact, urgency=urgency, priority=3)


LIST_ROWS = {
    "teams": (make_teams, Team),
    "services": (make_services, Service),
    "configuration-items": (make_configuration_items, ConfigurationItem),
    "categories": (make_categories, Category),
}


@pytest.mark.parametrize("persona", ["emma", "sam"])
@pytest.mark.parametrize("endpoint", LIST_ROWS)
def test_list_query_count_is_constant(request, persona, endpoint):
    make_rows, model = LIST_ROWS[endpoint]
    client = logged_in(request.getfixturevalue(persona))
    url = f"{API}{endpoint}/?page_size=100"

    def list_all():
        assert client.get(url).status_code == 200

    count = assert_constant_queries(make_rows, list_all)

    assert count <= QUERY_BUDGET
    assert model.objects.count() >= 30


def test_priority_matrix_query_count_is_constant(emma):
    # The matrix has nine cells at most, so compare an almost empty one with a full one.
    for cell in PriorityMatrixCell.objects.all():
        cell.delete()
    client = logged_in(emma)

    def list_all():
        assert client.get(f"{API}priority-matrix/").status_code == 200

    count = assert_constant_queries(make_priority_cells, list_all, small=2, large=9)

    assert count <= QUERY_BUDGET
    assert PriorityMatrixCell.objects.count() == 9
