"""The public pages: no sign-in, no JavaScript, cached until a status changes, constant
queries, and nothing internal in them."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents import services as incident_services
from statuspage import services
from statuspage.tests.factories import major_incident, make_component

pytestmark = pytest.mark.django_db

CANARY = "canary9k2"
PUBLIC_URLS = ["statuspage:page", "statuspage:history", "statuspage:summary", "statuspage:feed"]
# components, uptime, active incidents with their components and updates, maintenance
# with its components.
PAGE_BUDGET = 7


def _get(name):
    response = Client().get(reverse(name))
    assert response.status_code == 200, name
    return response


def _published(sam, emma, *, resolve=False, **component_fields):
    component = make_component(actor=sam, name="E-mail", **component_fields)
    incident = major_incident(
        reporter=emma,
        agent=sam,
        service=component.service,
        title=f"Exchange DAG split brain {CANARY}",
        description=f"Internal {CANARY}",
    )
    incident_services.incident_comment_add(
        incident_id=incident.pk, actor=sam, body=f"Note {CANARY}", visibility="internal"
    )
    status_incident = services.status_incident_open(
        incident_id=incident.pk,
        actor=sam,
        title="E-mail delivery delayed",
        body="Messages are arriving late; we are on it.",
    )
    if resolve:
        services.status_update_post(
            status_incident_id=status_incident.pk, actor=sam, state="resolved", body="All good."
        )
    return component, incident, status_incident


def test_the_page_shows_status_incident_and_maintenance_without_sign_in(sam, emma):
    component, _incident, _si = _published(sam, emma)
    now = timezone.now()
    services.maintenance_create(
        actor=sam,
        title="Mail server patching",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=1),
        components=[component],
    )

    html = _get("statuspage:page").content.decode()

    assert "E-mail delivery delayed" in html
    assert "Messages are arriving late" in html
    assert "Major outage" in html
    assert "Mail server patching" in html
    assert "<script" not in html
    assert "http://" not in html.replace("http://www.w3.org", "")  # no CDN


def test_nothing_internal_leaks(sam, emma, ravi):
    _published(sam, emma)
    hidden = make_component(actor=sam, name=f"Secret ledger {CANARY}", public=False)
    major_incident(reporter=emma, agent=sam, service=hidden.service)
    services.component_set_status(
        component_id=hidden.pk, actor=sam, status="major_outage", reason=f"Why {CANARY}"
    )
    staff_names = {sam.username, sam.get_full_name(), emma.get_full_name(), ravi.get_full_name()}

    for name in PUBLIC_URLS:
        body = _get(name).content.decode()
        assert CANARY not in body, name
        assert "Secret ledger" not in body, name
        for person in staff_names - {""}:
            assert person not in body, (name, person)
    summary = json.loads(_get("statuspage:summary").content)
    assert [c["name"] for c in summary["components"]] == ["E-mail"]


def test_the_json_summary(sam, emma):
    _published(sam, emma)

    summary = _get("statuspage:summary").json()

    assert summary["status"]["indicator"] == "major_outage"
    assert summary["components"][0]["status"] == "major_outage"
    assert summary["components"][0]["uptime_90_days"] is not None
    assert summary["incidents"][0]["title"] == "E-mail delivery delayed"
    assert summary["incidents"][0]["updates"][0]["state"] == "investigating"


def test_the_atom_feed_lists_the_updates(sam, emma):
    _published(sam, emma, resolve=True)

    response = _get("statuspage:feed")

    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 2
    assert "[Resolved] E-mail delivery delayed" in body


def test_history_shows_resolved_incidents_by_month(sam, emma):
    _, _, status_incident = _published(sam, emma, resolve=True)

    html = _get("statuspage:history").content.decode()

    assert status_incident.started_at.strftime("%B %Y") in html
    assert "E-mail delivery delayed" in html
    assert "E-mail delivery delayed" not in _get("statuspage:page").content.decode()


def test_the_page_is_cached_and_a_status_change_drops_it(
    sam, emma, django_assert_num_queries, django_capture_on_commit_callbacks
):
    component = make_component(actor=sam, name="VPN")
    _get("statuspage:page")
    with django_assert_num_queries(0):
        assert "All systems operational" in _get("statuspage:page").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.component_set_status(
            component_id=component.pk, actor=sam, status="partial_outage", reason="Flapping"
        )

    html = _get("statuspage:page").content.decode()
    assert "Partial outage" in html
    assert "All systems operational" not in html
    summary = _get("statuspage:summary").json()
    assert summary["components"][0]["status"] == "partial_outage"


def test_a_major_incident_drops_the_cache_too(sam, emma, django_capture_on_commit_callbacks):
    component = make_component(actor=sam, name="VPN")
    assert "All systems operational" in _get("statuspage:page").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        major_incident(reporter=emma, agent=sam, service=component.service)

    assert "Major outage" in _get("statuspage:page").content.decode()


@pytest.mark.parametrize("name", PUBLIC_URLS)
def test_public_query_counts_do_not_grow_with_rows(name, sam, emma, django_assert_max_num_queries):
    from django.core.cache import cache

    from itsm.testing.queries import assert_constant_queries

    def make_rows(count):
        for index in range(count):
            component = make_component(actor=sam, group=f"Group {index % 2}")
            incident = major_incident(reporter=emma, agent=sam, service=component.service)
            status_incident = services.status_incident_open(
                incident_id=incident.pk, actor=sam, title=f"Outage {index}", body="Down."
            )
            if index % 2:
                services.status_update_post(
                    status_incident_id=status_incident.pk, actor=sam, state="resolved", body="Up."
                )
            now = timezone.now()
            services.maintenance_create(
                actor=sam,
                title=f"Work {index}",
                starts_at=now + timedelta(days=1),
                ends_at=now + timedelta(days=1, hours=1),
                components=[component],
            )

    def request():
        cache.clear()
        _get(name)

    count = assert_constant_queries(make_rows, request, small=2, large=6)
    print(f"\n{name}: {count} queries")
    assert count <= PAGE_BUDGET


def test_the_internal_page_shows_every_component_to_staff_only(sam, emma, client):
    make_component(actor=sam, name="Public thing")
    make_component(actor=sam, name="Internal thing", public=False)
    url = reverse("statuspage:internal")

    assert Client().get(url).status_code == 302
    client.force_login(emma)
    assert client.get(url).status_code == 404
    client.force_login(sam)
    html = client.get(url).content.decode()
    assert "Public thing" in html and "Internal thing" in html
