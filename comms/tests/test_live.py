"""The live incident page: staff only, the whole timeline from every source, and a
polling endpoint with a ``since`` cursor whose cost does not grow with the timeline."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import AlertEvent
from alerts.tests.helpers import make_integration
from comms import services
from incidents import services as incidents
from itsm.testing.queries import assert_constant_queries, queries_for
from oncall.models import Page
from statuspage import services as statuspage
from statuspage.tests.factories import make_component

pytestmark = pytest.mark.django_db

# The incident is read once, with its commander and communications lead.
LIVE_BUDGET = 14
POLL_BUDGET = 13


def live_url(incident):
    return reverse("comms:live", args=[incident.pk])


def entries_url(incident, since):
    return reverse("comms:live_entries", args=[incident.pk]) + "?" + urlencode({"since": since})


def fill(people, incident, count, *, number=[0]):  # noqa: B006  (a counter across calls)
    """``count`` rows from every source of the timeline."""
    number[0] += 1
    integration = make_integration(slug=f"live-{number[0]}")
    for _ in range(count):
        number[0] += 1
        n = number[0]
        incidents.incident_comment_add(
            incident_id=incident.pk, actor=people["ravi"], body=f"Note {n}", visibility="internal"
        )
        services.stakeholder_update_send(
            incident_id=incident.pk, actor=people["sam"], body=f"Update {n}", channels=["email"]
        )
        statuspage.status_post(
            incident_id=incident.pk,
            actor=people["sam"],
            state="identified",
            body=f"Public {n}",
            title="VPN unavailable",
        )
        now = timezone.now()
        AlertEvent.objects.create(
            integration=integration,
            grouping_key=f"vpn-{n}",
            current=False,
            incident=incident,
            title=f"VPN probe {n}",
            first_seen=now,
            last_seen=now,
            cleared_at=now,
        )
        Page.objects.create(
            incident=incident,
            team=incident.assignment_group,
            person=people["ravi"],
            cycle=n,
            target="on_call",
            sent_at=now,
            acknowledged_at=now,
            acknowledged_by=people["ravi"],
            acknowledged_via="portal",
        )


@pytest.fixture
def component(people, major):
    return make_component(actor=people["sam"], service=major.service)


def test_who_may_see_the_live_page(people, major, client):
    for url in (live_url(major), entries_url(major, timezone.now())):
        assert client.get(url).status_code == 302
        client.force_login(people["emma"])
        assert client.get(url).status_code == 404
        client.force_login(people["chris"])  # a change manager: not incident staff
        assert client.get(url).status_code == 404
        client.force_login(people["ravi"])
        assert client.get(url).status_code == 200
        client.logout()


def test_the_page_shows_every_source_in_order_without_javascript(people, major, component, client):
    fill(people, major, 1)
    client.force_login(people["ravi"])
    response = client.get(live_url(major))
    entries = response.context["entries"]
    kinds = [e["kind"] for e in entries]
    assert {
        "history",
        "comment",
        "stakeholder_update",
        "status_update",
        "alert",
        "page",
        "ack",
    } <= set(kinds)
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    texts = " | ".join(e["text"] for e in entries)
    for expected in (
        "Declared a major incident",
        "Work note (Ravi Resolver): Note",
        "Stakeholder update sent by Sam Servicedesk (E-mail): Update",
        "Public update, identified (Sam Servicedesk): Public",
        "Alert fired (alertmanager monitoring): VPN probe",
        "Paged Ravi Resolver (Network Operations)",
        "Page acknowledged by Ravi Resolver (Portal)",
    ):
        assert expected in texts
    html = response.content.decode()
    assert "Work note (Ravi Resolver): Note" in html
    assert 'data-poll-seconds="5"' in html and "comms/live.js" in html


def test_polling_returns_what_happened_since_the_cursor(people, major, client):
    client.force_login(people["ravi"])
    first = client.get(live_url(major)).context
    cursor = first["cursor"]
    later = timezone.now() + timedelta(minutes=5)
    empty = client.get(entries_url(major, later)).json()
    assert (empty["entries"], empty["open"], empty["missed"]) == ([], True, 0)

    incidents.incident_comment_add(
        incident_id=major.pk, actor=people["ravi"], body="Rolled back the config"
    )
    data = client.get(reverse("comms:live_entries", args=[major.pk]), {"since": cursor}).json()
    new = [e for e in data["entries"] if e["source"] not in {x["source"] for x in first["entries"]}]
    assert [e["text"] for e in new] == ["Comment (Ravi Resolver): Rolled back the config"]
    assert data["cursor"] >= cursor


@pytest.mark.parametrize("since", ["", "yesterday", "2026-03-02T09:00:00", "2026-13-45T00:00Z"])
def test_a_bad_cursor_is_a_400_not_a_500(people, major, client, since):
    client.force_login(people["ravi"])
    response = client.get(reverse("comms:live_entries", args=[major.pk]), {"since": since})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_a_resolved_incident_stops_polling(people, major, client):
    incidents.incident_transition(
        incident_id=major.pk,
        name="resolve",
        actor=people["ravi"],
        resolution_code="workaround",
        resolution_notes="Restarted.",
    )
    client.force_login(people["ravi"])
    assert 'data-poll-seconds="0"' in client.get(live_url(major)).content.decode()
    assert client.get(entries_url(major, timezone.now())).json()["open"] is False


def test_the_live_page_costs_the_same_for_a_long_timeline(people, major, component, client):
    client.force_login(people["ravi"])
    client.get(live_url(major))  # warm the worker's caches (content types, roles)
    count = assert_constant_queries(
        lambda n: fill(people, major, n),
        lambda: client.get(live_url(major)),
        small=1,
        large=6,
    )
    assert count <= LIVE_BUDGET


def test_polling_costs_the_same_for_a_long_timeline(people, major, component, client):
    client.force_login(people["ravi"])
    since = timezone.now() - timedelta(hours=1)
    client.get(entries_url(major, since))
    count = assert_constant_queries(
        lambda n: fill(people, major, n),
        lambda: client.get(entries_url(major, since)),
        small=1,
        large=6,
    )
    assert count <= POLL_BUDGET
    assert queries_for(lambda: client.get(entries_url(major, since))) == count
