"""The broker down: the endpoint still answers 202 and loses nothing; once the broker is
back, the sweep (the beat job) queues the backlog and a real worker turns it into incidents.

The test runs a Redis server of its own (never the shared one), a real ``celery -A itsm
worker`` process and PostgreSQL (the worker must see the committed rows). Skipped without
redis-server or PostgreSQL, unless REQUIRE_SERVICES=1 (CI), where it fails instead.
"""

import time

import pytest
from django.db import connection

from alerts.choices import InboxState
from alerts.models import AlertEvent, AlertInbox
from alerts.tasks import process_pending_alerts
from alerts.tests import payloads as p
from alerts.tests.helpers import make_integration, post
from incidents.models import Incident
from itsm.testing.worker import RedisServer, celery_worker, skip_or_fail, tasks_sent_to

pytestmark = [
    pytest.mark.broker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT_SECONDS = 30


@pytest.fixture
def redis(tmp_path):
    if connection.vendor != "postgresql":
        skip_or_fail("the worker test needs PostgreSQL (set DATABASE_URL)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def deliveries():
    """Three alerts, the first of them sent twice (the sender's periodic re-send)."""
    first, second, third = (p.am_alert(fingerprint=f"fp-{n}", instance=f"web-{n}") for n in "123")
    return [p.alertmanager(first), p.alertmanager(second, third), p.alertmanager(first)]


def wait_until_processed(rows: int, worker) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while AlertInbox.objects.filter(state=InboxState.DONE).count() < rows:
        if worker.poll() is not None:
            pytest.fail(f"The worker exited ({worker.returncode}):\n{worker.log_path.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"Not processed in {WAIT_SECONDS} s:\n{worker.log_path.read_text()}")
        time.sleep(0.2)


def test_with_the_broker_down_nothing_is_lost_and_the_backlog_is_processed(people, redis, tmp_path):
    integration = make_integration()
    redis.stop()
    assert not redis.answers()

    with tasks_sent_to(redis.url):
        statuses = [post(integration, payload).status_code for payload in deliveries()]

        assert statuses == [202, 202, 202]
        assert list(AlertInbox.objects.values_list("state", flat=True)) == ["pending"] * 3
        assert not Incident.objects.exists()

        redis.start()
        log = tmp_path / "worker.log"
        with celery_worker(broker_url=redis.url, log_path=log) as worker:
            # What the beat schedule sends every minute; the rows are only seconds old.
            process_pending_alerts.delay(older_than_seconds=0)
            wait_until_processed(3, worker)

    events = {e.grouping_key: e for e in AlertEvent.objects.select_related("incident")}
    assert sorted(events) == ["fp-1", "fp-2", "fp-3"]
    assert [events[key].count for key in sorted(events)] == [2, 1, 1]
    assert Incident.objects.count() == 3
    assert all(
        e.incident.assignment_group_id == integration.assignment_group_id for e in events.values()
    )
