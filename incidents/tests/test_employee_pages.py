"""An employee's list read branch by branch (reporter, affected user, watcher) holds the
same rows in the same order as the plain scope: each once, every page, both directions,
with filters; its count is exact up to the cap and says when it stopped there."""

import pytest

from incidents import services
from incidents.models import LIST_ORDER, Incident
from incidents.selectors import incident_list_visible_to
from incidents.tests.factories import make_incident
from incidents.tests.helpers_api import API
from itsm.api.pagination import KeysetPagination
from itsm.keyset import bounded_count, first_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(emma, eli, sam):
    """Emma reports, is affected by, watches, and is all three on some; not the rest."""
    reported = [make_incident(reporter=emma) for _ in range(3)]
    affecting = [make_incident(reporter=sam, affected_user=emma) for _ in range(2)]
    watched = make_incident(reporter=eli)
    make_incident(reporter=eli)  # none of hers
    both = make_incident(reporter=emma, affected_user=emma)
    for incident in (watched, both, reported[0]):
        services.incident_watch(incident_id=incident.pk, actor=emma)
    make_incident(reporter=sam)  # none of hers
    return [*reported, *affecting, watched, both]


def expected(incidents) -> list[int]:
    return list(
        Incident.objects.filter(pk__in=[i.pk for i in incidents])
        .order_by(*LIST_ORDER)
        .values_list("pk", flat=True)
    )


def test_pages_by_branch_hold_each_row_once_in_order(api_as, emma, mine):
    client, seen, url = api_as(emma), [], f"{API}?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == expected(mine)
    # And back again from the last page to the first.
    last = len(body["results"])
    back, url = [], body["previous"]
    while url:
        body = client.get(url).json()
        back = [row["id"] for row in body["results"]] + back
        url = body["previous"]
    assert back == expected(mine)[:-last]


def test_branches_take_the_other_filters(emma, mine):
    rows = incident_list_visible_to(user=emma).filter(title__contains="jammed")
    assert [row.pk for row in first_rows(rows.order_by(*LIST_ORDER), 4)] == expected(mine)[:4]
    assert list(first_rows(rows.filter(pk=-1).order_by(*LIST_ORDER), 4)) == []


def test_count_is_exact_up_to_the_cap(api_as, emma, mine, monkeypatch):
    client = api_as(emma)
    body = client.get(API, {"count": "true"}).json()
    assert (body["count"], body["count_capped"]) == (len(mine), False)
    assert bounded_count(incident_list_visible_to(user=emma), len(mine)) == len(mine)
    assert bounded_count(incident_list_visible_to(user=emma), 3) == 4

    monkeypatch.setattr(KeysetPagination, "count_cap", 3)
    body = client.get(API, {"count": "true"}).json()
    assert (body["count"], body["count_capped"]) == (3, True)


def test_staff_counts_are_capped_too(api_as, sam, mine, monkeypatch):
    monkeypatch.setattr(KeysetPagination, "count_cap", 3)
    body = api_as(sam).get(API, {"count": "true"}).json()
    assert (body["count"], body["count_capped"]) == (3, True)
