"""send_once: one email per key, nothing logged when sending fails, so a retry sends."""

from contextlib import contextmanager
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.db import OperationalError

from itsm.models import NotificationLog
from itsm.notifications import send_once
from itsm.tasks import send_notification

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


def test_task_sends_through_send_once():
    args = ("incident:42:resolved", "Resolved", "Body", ["emma@example.com"])

    assert send_notification.delay(*args).get() is True
    assert send_notification.delay(*args).get() is False
    assert len(mail.outbox) == 1


def test_task_retries_a_transient_error():
    with mock.patch(
        "itsm.tasks.send_once", side_effect=[OperationalError("db restarting"), True]
    ) as send:
        # throw=False: the eager retry is then run again instead of raised.
        result = send_notification.apply(args=("k", "s", "b", ["e@example.com"]), throw=False)

    assert result.get() is True
    assert send.call_count == 2


def test_task_does_not_retry_other_errors():
    with (
        mock.patch("itsm.tasks.send_once", side_effect=ValueError("bad key")) as send,
        pytest.raises(ValueError),
    ):
        send_notification.apply(args=("k", "s", "b", ["e@example.com"])).get()

    assert send.call_count == 1


@contextmanager
def task_request(**fields):
    """Run the task body as a worker would, on its n-th attempt."""
    send_notification.push_request(called_directly=False, is_eager=True, **fields)
    try:
        yield
    finally:
        send_notification.pop_request()


def test_retry_back_off_stays_below_the_broker_visibility_timeout():
    with (
        task_request(retries=4),
        mock.patch("itsm.tasks.send_once", side_effect=ConnectionResetError()),
        mock.patch.object(send_notification, "retry", side_effect=Retry()) as retry,
        pytest.raises(Retry),
    ):
        send_notification.run("k", "s", "b", ["e@example.com"])

    countdown = retry.call_args.kwargs["countdown"]
    assert 0 <= countdown <= 600 < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert isinstance(retry.call_args.kwargs["exc"], ConnectionResetError)


@pytest.mark.parametrize(("attempts_so_far", "outcome"), [(4, Retry), (5, OperationalError)])
def test_task_gives_up_after_five_retries(attempts_so_far, outcome):
    with (
        task_request(retries=attempts_so_far),
        mock.patch("itsm.tasks.send_once", side_effect=OperationalError("db down")),
        pytest.raises(outcome),
    ):
        send_notification.run("k", "s", "b", ["e@example.com"])
