"""Twenty identical deliveries at the same moment open one incident (PostgreSQL).

Each post is its own request and connection; processing runs eagerly after each commit,
so twenty processings race on the same (integration, grouping key). The partial unique
constraint on the current event lets one insert win; the others retry and count a repeat.
"""

import threading

import pytest
from django.db import close_old_connections, connection

from alerts.choices import InboxState
from alerts.models import AlertEvent, AlertInbox
from alerts.tests import payloads as p
from alerts.tests.helpers import make_integration, post
from incidents.models import Incident

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

POSTS = 20


def test_twenty_concurrent_identical_posts_give_one_incident(people):
    integration = make_integration()
    barrier = threading.Barrier(POSTS)
    statuses = []

    def send():
        close_old_connections()
        try:
            barrier.wait(timeout=10)
            statuses.append(post(integration, p.alertmanager()).status_code)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            statuses.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(POSTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert statuses == [202] * POSTS
    assert AlertInbox.objects.filter(state=InboxState.DONE).count() == POSTS
    event = AlertEvent.objects.get()
    assert Incident.objects.count() == 1
    assert event.incident_id == Incident.objects.get().pk
    assert 1 <= event.count <= POSTS
