"""Races on one incident (SECURITY.md T18, T19): two actors never both win.

T19 runs on any database. T18 needs real row locks and separate connections, so it runs
on PostgreSQL only: ``DATABASE_URL=postgres://... pytest incidents/tests/test_concurrency.py``.
"""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from incidents import services
from incidents.choices import Status
from incidents.models import Incident
from incidents.tests.factories import incident_in, make_incident
from itsm.models import NotificationLog
from itsm.workflow import TransitionNotAllowed

API = "/api/v1/incidents/"


@pytest.mark.django_db
def test_t19_second_edit_of_the_same_version_is_refused(api_as, emma, sam, ravi):
    incident = make_incident(reporter=emma, description="Original text")
    url = f"{API}{incident.pk}/"
    desk, resolver = api_as(sam), api_as(ravi)
    version = desk.get(url).json()["version"]
    assert resolver.get(url).json()["version"] == version

    first = desk.patch(url, {"title": "Desk title", "version": version}, format="json")
    second = resolver.patch(
        url, {"description": "Resolver text", "version": version}, format="json"
    )

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["code"] == "stale_version"
    incident.refresh_from_db()
    assert (incident.title, incident.description) == ("Desk title", "Original text")
    assert incident.version == version + 1
    assert incident.history.count() == 2


def _resolve(incident_id: int, user_id: int, barrier: threading.Barrier, outcomes: list):
    """One agent's request: its own connection, released when the thread ends."""
    try:
        actor = get_user_model().objects.get(pk=user_id)
        barrier.wait(timeout=10)
        services.incident_transition(
            incident_id=incident_id,
            name="resolve",
            actor=actor,
            resolution_code="workaround",
            resolution_notes=f"Fixed by {actor.username}.",
        )
        outcomes.append("resolved")
    except TransitionNotAllowed as refused:
        outcomes.append((refused.code, refused.status))
    except Exception as error:  # noqa: BLE001 - reported by the assertion below
        outcomes.append(repr(error))
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_t18_two_agents_resolve_at_the_same_moment(people, mailoutbox):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent connections")
    emma, ravi, sam = people["emma"], people["ravi"], people["sam"]
    incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
    barrier = threading.Barrier(2)
    outcomes: list = []
    threads = [
        threading.Thread(target=_resolve, args=(incident.pk, user.pk, barrier, outcomes))
        for user in (ravi, sam)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes, key=str) == sorted(["resolved", ("invalid_state", 409)], key=str)
    resolved = Incident.objects.get(pk=incident.pk)
    assert resolved.status == Status.RESOLVED
    assert resolved.history.filter(history_change_reason__startswith="resolve").count() == 1
    resolved_mails = [m for m in mailoutbox if "has been resolved" in m.subject]
    assert len(resolved_mails) == 1
    assert resolved_mails[0].to == [emma.email]
    assert NotificationLog.objects.filter(key__contains=":resolved:").count() == 1
