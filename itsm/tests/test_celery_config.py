"""The Celery settings that make tasks safe to redeliver, and enqueueing only after commit."""

from unittest import mock

import pytest
from celery import signals
from django.core import mail
from django.db import transaction

from itsm.celery import app
from itsm.models import NotificationLog
from itsm.tasks import send_notification

ARGS = ("incident:42:resolved", "Resolved", "Your incident was resolved.", ["emma@example.com"])


def test_only_json_goes_over_the_wire():
    # pickle from the broker would run whatever an attacker with broker access sends.
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"
    assert list(app.conf.accept_content) == ["json"]


def test_a_task_is_acknowledged_after_it_ran_and_redelivered_if_its_worker_died():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert send_notification.acks_late is True


def test_tasks_have_time_limits():
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit


@pytest.mark.parametrize("signal", [signals.task_prerun, signals.task_postrun])
def test_stale_database_connections_are_dropped_around_each_task(signal):
    with mock.patch("django.db.close_old_connections") as close_old_connections:
        signal.send(sender=send_notification, task_id="t1", task=send_notification)

    close_old_connections.assert_called_once_with()


@pytest.mark.parametrize("signal", [signals.task_prerun, signals.task_postrun])
def test_eager_tasks_leave_the_callers_connection_alone(signal):
    send_notification.push_request(is_eager=True)
    try:
        with mock.patch("django.db.close_old_connections") as close_old_connections:
            signal.send(sender=send_notification, task_id="t1", task=send_notification)
    finally:
        send_notification.pop_request()

    close_old_connections.assert_not_called()


def test_django_tasks_can_wait_for_the_commit():
    assert hasattr(send_notification, "delay_on_commit")


@pytest.fixture
def apply_async():
    """Watch what is handed to the broker, still letting the (eager) task run."""
    with mock.patch.object(
        send_notification, "apply_async", wraps=send_notification.apply_async
    ) as watched:
        yield watched


@pytest.mark.django_db
def test_task_enqueued_in_a_rolled_back_transaction_is_never_sent(
    apply_async, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_notification.delay_on_commit(*ARGS)
        raise RuntimeError("the service failed after registering the notification")

    assert callbacks == []
    apply_async.assert_not_called()
    assert mail.outbox == []
    assert not NotificationLog.objects.exists()


@pytest.mark.django_db
def test_task_enqueued_in_a_committed_transaction_is_sent_once(
    apply_async, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        send_notification.delay_on_commit(*ARGS)
        # Nothing leaves before the commit: a worker could otherwise run the task and
        # miss the rows this transaction has not committed yet.
        apply_async.assert_not_called()

    assert len(callbacks) == 1
    apply_async.assert_called_once()
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.filter(key=ARGS[0]).count() == 1
