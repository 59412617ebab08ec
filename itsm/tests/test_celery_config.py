"""The Celery settings that make tasks safe to redeliver, and enqueueing only after commit."""

from unittest import mock

import pytest
from celery import signals
from django.conf import settings
from django.core import mail
from django.db import transaction

from incidents import tasks as incident_tasks
from incidents.tests.factories import make_incident
from itsm.celery import app
from itsm.models import NotificationLog
from itsm.tasks import RETRY, TRANSIENT_ERRORS, notify

INCIDENT = "incidents.incident"


def test_only_json_goes_over_the_wire():
    # pickle from the broker would run whatever an attacker with broker access sends.
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"
    assert list(app.conf.accept_content) == ["json"]
    assert notify.serializer == "json"


def test_a_task_is_acknowledged_after_it_ran_and_redelivered_if_its_worker_died():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert notify.acks_late is True


@pytest.mark.parametrize(
    "task", [notify, incident_tasks.incident_sla_check, incident_tasks.incident_auto_close]
)
def test_tasks_ask_for_late_acks_themselves(task):
    # Explicit on the task, so a change to the app default cannot make it early-acked.
    # (Once bound, a task cannot tell its own option from the app default.)
    assert RETRY["acks_late"] is True
    assert task.acks_late is True


def test_notification_task_retries_transient_errors_with_a_bounded_back_off():
    assert notify.autoretry_for == TRANSIENT_ERRORS
    assert notify.retry_backoff is True
    # Redis redelivers an unacknowledged message after the visibility timeout (SECURITY.md T32).
    assert notify.retry_backoff_max == 600
    assert notify.retry_backoff_max < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert notify.max_retries == 5


def test_tasks_have_time_limits():
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit


@pytest.mark.parametrize("signal", [signals.task_prerun, signals.task_postrun])
def test_stale_database_connections_are_dropped_around_each_task(signal):
    with mock.patch("django.db.close_old_connections") as close_old_connections:
        signal.send(sender=notify, task_id="t1", task=notify)

    close_old_connections.assert_called_once_with()


@pytest.mark.parametrize("signal", [signals.task_prerun, signals.task_postrun])
def test_eager_tasks_leave_the_callers_connection_alone(signal):
    notify.push_request(is_eager=True)
    try:
        with mock.patch("django.db.close_old_connections") as close_old_connections:
            signal.send(sender=notify, task_id="t1", task=notify)
    finally:
        notify.pop_request()

    close_old_connections.assert_not_called()


def test_django_tasks_can_wait_for_the_commit():
    assert hasattr(notify, "delay_on_commit")


@pytest.fixture
def incident(emma):
    incident = make_incident(reporter=emma)
    mail.outbox.clear()
    return incident


@pytest.fixture
def apply_async():
    """Watch what is handed to the broker, still letting the (eager) task run."""
    with mock.patch.object(notify, "apply_async", wraps=notify.apply_async) as watched:
        yield watched


@pytest.mark.django_db
def test_task_enqueued_in_a_rolled_back_transaction_is_never_sent(
    incident, apply_async, django_capture_on_commit_callbacks
):
    key = f"incident:{incident.pk}:logged:v{incident.version}"
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify.delay_on_commit(INCIDENT, incident.pk, "logged", key)
        raise RuntimeError("the service failed after registering the notification")

    assert callbacks == []
    apply_async.assert_not_called()
    assert mail.outbox == []
    assert not NotificationLog.objects.exists()


@pytest.mark.django_db
def test_task_enqueued_in_a_committed_transaction_is_sent_once(
    incident, apply_async, django_capture_on_commit_callbacks
):
    key = f"incident:{incident.pk}:logged:v{incident.version}"
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notify.delay_on_commit(INCIDENT, incident.pk, "logged", key)
        # Nothing leaves before the commit: a worker could otherwise run the task and
        # miss the rows this transaction has not committed yet.
        apply_async.assert_not_called()

    assert len(callbacks) == 1
    apply_async.assert_called_once()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["emma@example.com"]
    assert NotificationLog.objects.filter(key=key).count() == 1
