"""A real worker on a real broker sends an incident notification once, however often it is
enqueued.

Needs CELERY_BROKER_URL (Redis) and PostgreSQL, because the worker is a separate process
and must see the incident this test commits (an in-memory SQLite test database is private
to this process). Skipped without them, unless REQUIRE_SERVICES=1, as in CI.
"""

import email
import email.policy
import os
import time
import uuid
from contextlib import contextmanager

import pytest
from django.core import mail
from django.db import transaction

from incidents.tests.factories import make_incident
from itsm.celery import app
from itsm.models import NotificationLog
from itsm.tasks import notify
from itsm.testing.worker import celery_worker, skip_or_fail

INCIDENT = "incidents.incident"

pytestmark = [
    pytest.mark.broker,
    # Committed data, so the worker sees it; the serialized rollback puts back the
    # migrations' seed rows that the flush after a transactional test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT_SECONDS = 30


@pytest.fixture
def queue():
    if not os.environ.get("CELERY_BROKER_URL"):
        skip_or_fail("CELERY_BROKER_URL is not set")
    # A queue of our own, so no other worker on the same broker takes our messages.
    return f"itsm-test-{uuid.uuid4().hex}"


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def worker(queue, mail_dir, tmp_path):
    mail_env = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    broker = os.environ["CELERY_BROKER_URL"]
    log_path = tmp_path / "worker.log"
    with celery_worker(broker_url=broker, log_path=log_path, queue=queue, env=mail_env) as process:
        yield process


@contextmanager
def always_eager(value: bool):
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = value
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture
def not_eager():
    """Send to the broker from this process; the test settings would run tasks inline."""
    with always_eager(False):
        yield


@pytest.fixture
def incidents(emma):
    """Two incidents, committed so the worker can read them.

    Their own "logged" notifications run inline here, whatever the fixture order: sent to
    the broker, they would land on the default queue, not the private one.
    """
    with always_eager(True):
        made = [make_incident(reporter=emma, title=f"Worker test {n}") for n in (1, 2)]
    mail.outbox.clear()
    return made


def enqueue_after_commit(incident, key: str, queue: str) -> None:
    with transaction.atomic():
        notify.apply_async_on_commit(args=(INCIDENT, incident.pk, "logged", key), queue=queue)


def wait_for_log_row(key: str, worker) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not NotificationLog.objects.filter(key=key).exists():
        if worker.poll() is not None:
            pytest.fail(f"The worker exited ({worker.returncode}):\n{worker.log_path.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{key} not sent in {WAIT_SECONDS} s:\n{worker.log_path.read_text()}")
        time.sleep(0.2)


def sent_mails(mail_dir) -> list:
    """The messages the worker wrote, one file each (a new connection per send)."""
    return [
        email.message_from_string(path.read_text(), policy=email.policy.default)
        for path in sorted(mail_dir.iterdir())
    ]


def test_worker_sends_a_notification_exactly_once(worker, queue, mail_dir, incidents, not_eager):
    incident, marker = incidents
    # Keys of our own: the incidents' "logged" keys were used up when they were created.
    key = f"incident:{incident.pk}:logged:worker"
    enqueue_after_commit(incident, key, queue)
    wait_for_log_row(key, worker)

    # A redelivery of the same notification, then a marker behind it on the same queue:
    # the single solo worker takes them in order, so once the marker is logged the
    # duplicate has been processed too.
    enqueue_after_commit(incident, key, queue)
    marker_key = f"incident:{marker.pk}:logged:worker"
    enqueue_after_commit(marker, marker_key, queue)
    wait_for_log_row(marker_key, worker)

    assert NotificationLog.objects.filter(key=key).count() == 1
    mails = sent_mails(mail_dir)
    assert sorted(m["Subject"] for m in mails) == [
        f"[{incident.number}] We have logged your incident: Worker test 1",
        f"[{marker.number}] We have logged your incident: Worker test 2",
    ]
    assert all(m["To"] == "emma@example.com" for m in mails)
    assert mail.outbox == []  # nothing went out from this process
