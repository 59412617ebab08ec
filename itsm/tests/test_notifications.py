"""send_once: one email per key, nothing logged when sending fails, so a retry sends.

And the task the product sends every notification through, ``itsm.tasks.notify``: it sends
through send_once, retries a transient failure with a bounded back-off, and nothing else.
"""

from contextlib import contextmanager
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.db import OperationalError

from incidents.tests.factories import make_incident
from itsm.models import NotificationLog
from itsm.notifications import send_once
from itsm.tasks import notify as notify_task

INCIDENT = "incidents.incident"

pytestmark = pytest.mark.django_db


def notify(key, **overrides):
    fields = {
        "key": key,
        "subject": "INC0001042 resolved",
        "body": "Your incident was resolved.",
        "recipients": ["emma@example.com"],
    }
    fields.update(overrides)
    return send_once(**fields)


def test_same_key_twice_sends_one_email():
    assert notify("incident:42:resolved") is True
    assert notify("incident:42:resolved") is False

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["emma@example.com"]
    assert mail.outbox[0].subject == "INC0001042 resolved"
    log = NotificationLog.objects.get()
    assert (log.key, log.recipients) == ("incident:42:resolved", ["emma@example.com"])


def test_different_keys_send_two_emails():
    notify("incident:42:resolved")
    notify("incident:42:closed")

    assert len(mail.outbox) == 2
    assert NotificationLog.objects.count() == 2


def test_html_body_goes_out_as_an_alternative():
    notify("incident:42:resolved", html_body="<p>Your incident was resolved.</p>")

    message = mail.outbox[0]
    assert message.body == "Your incident was resolved."
    assert message.alternatives == [("<p>Your incident was resolved.</p>", "text/html")]


def test_duplicate_and_empty_recipients_are_dropped():
    notify("k", recipients=["emma@example.com", "", "emma@example.com", "eli@example.com"])

    assert mail.outbox[0].to == ["emma@example.com", "eli@example.com"]


def test_no_recipients_sends_nothing_and_logs_nothing():
    assert notify("incident:42:resolved", recipients=[]) is False
    assert notify("incident:42:resolved", recipients=[""]) is False

    assert mail.outbox == []
    assert not NotificationLog.objects.exists()


def test_failed_send_logs_nothing_so_a_retry_sends():
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=ConnectionRefusedError("mail server down"),
        ),
        pytest.raises(ConnectionRefusedError),
    ):
        notify("incident:42:resolved")
    assert not NotificationLog.objects.exists()

    assert notify("incident:42:resolved") is True
    assert len(mail.outbox) == 1


def test_key_longer_than_the_column_is_refused():
    with pytest.raises(ValueError, match="key"):
        notify("x" * 201)
    assert mail.outbox == []


@pytest.fixture
def incident(emma):
    incident = make_incident(reporter=emma)
    mail.outbox.clear()
    return incident


def test_task_sends_through_send_once(incident):
    args = (INCIDENT, incident.pk, "logged", f"incident:{incident.pk}:logged:v1")

    assert notify_task.delay(*args).get() is True
    assert notify_task.delay(*args).get() is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["emma@example.com"]
    assert incident.number in mail.outbox[0].subject
    assert NotificationLog.objects.filter(key=args[3]).count() == 1


def test_task_retries_a_transient_error(incident):
    with mock.patch(
        "itsm.tasks.send_once", side_effect=[OperationalError("db restarting"), True]
    ) as send:
        # throw=False: the eager retry is then run again instead of raised.
        result = notify_task.apply(args=(INCIDENT, incident.pk, "logged", "k"), throw=False)

    assert result.get() is True
    assert send.call_count == 2


def test_task_does_not_retry_other_errors(incident):
    with (
        mock.patch("itsm.tasks.send_once", side_effect=ValueError("bad key")) as send,
        pytest.raises(ValueError),
    ):
        notify_task.apply(args=(INCIDENT, incident.pk, "logged", "k")).get()

    assert send.call_count == 1


@contextmanager
def task_request(**fields):
    """Run the task body as a worker would, on its n-th attempt."""
    notify_task.push_request(called_directly=False, is_eager=True, **fields)
    try:
        yield
    finally:
        notify_task.pop_request()


def test_retry_back_off_stays_below_the_broker_visibility_timeout(incident):
    with (
        task_request(retries=4),
        mock.patch("itsm.tasks.send_once", side_effect=ConnectionResetError()),
        mock.patch.object(notify_task, "retry", side_effect=Retry()) as retry,
        pytest.raises(Retry),
    ):
        notify_task.run(INCIDENT, incident.pk, "logged", "k")

    countdown = retry.call_args.kwargs["countdown"]
    assert 0 <= countdown <= 600 < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert isinstance(retry.call_args.kwargs["exc"], ConnectionResetError)


@pytest.mark.parametrize(
    ("attempts_so_far", "seconds"),
    # Doubling from 1 s; the 11th attempt would wait 1024 s, so the cap shows.
    [(0, 1), (1, 2), (4, 16), (10, 600)],
)
def test_retry_back_off_doubles_up_to_its_cap(incident, attempts_so_far, seconds):
    jitter = mock.Mock()
    jitter.randrange.side_effect = lambda n: n - 1  # the longest wait the jitter allows
    with (
        task_request(retries=attempts_so_far),
        mock.patch("celery.utils.time.random", jitter),
        mock.patch("itsm.tasks.send_once", side_effect=TimeoutError()),
        mock.patch.object(notify_task, "retry", side_effect=Retry()) as retry,
        pytest.raises(Retry),
    ):
        notify_task.run(INCIDENT, incident.pk, "logged", "k")

    assert retry.call_args.kwargs["countdown"] == seconds


@pytest.mark.parametrize(("attempts_so_far", "outcome"), [(4, Retry), (5, OperationalError)])
def test_task_gives_up_after_five_retries(incident, attempts_so_far, outcome):
    with (
        task_request(retries=attempts_so_far),
        mock.patch("itsm.tasks.send_once", side_effect=OperationalError("db down")),
        pytest.raises(outcome),
    ):
        notify_task.run(INCIDENT, incident.pk, "logged", "k")
