"""Deliveries share one queued drain: a burst costs one publish, and no committed row is
left behind when a delivery arrives while a drain runs."""

import json

import pytest

from alerts import services, tasks
from alerts.choices import InboxState
from alerts.models import AlertInbox
from alerts.tests import payloads as p
from alerts.tests.helpers import make_integration, post


@pytest.fixture
def am(people):
    return make_integration()


@pytest.fixture
def published(monkeypatch):
    """The drains queued, held back instead of run."""
    calls = []
    monkeypatch.setattr(tasks.drain_alert_inbox, "delay", lambda: calls.append("drain"))
    return calls


def alert(n: int) -> dict:
    return p.alertmanager(p.am_alert(fingerprint=f"fp-{n}", instance=f"web-{n}:9100"))


def test_a_burst_of_deliveries_queues_one_drain_that_processes_them_all(
    am, published, django_capture_on_commit_callbacks
):
    for n in range(5):
        assert post(am, alert(n), capture=django_capture_on_commit_callbacks).status_code == 202
    assert published == ["drain"]

    assert tasks.drain_alert_inbox() == 5
    assert set(AlertInbox.objects.values_list("state", flat=True)) == {InboxState.DONE}

    post(am, alert(9), capture=django_capture_on_commit_callbacks)
    assert published == ["drain", "drain"]  # the drain started: the next delivery queues one


def test_a_delivery_during_a_drain_queues_the_next_one(
    am, published, monkeypatch, django_capture_on_commit_callbacks
):
    post(am, alert(1), capture=django_capture_on_commit_callbacks)
    process = services.inbox_process
    arrived = []

    def process_and_receive(**kwargs):
        if not arrived:
            arrived.append(post(am, alert(2), capture=django_capture_on_commit_callbacks))
        return process(**kwargs)

    monkeypatch.setattr(services, "inbox_process", process_and_receive)
    tasks.drain_alert_inbox()
    assert published == ["drain", "drain"]


def test_a_failed_row_leaves_the_drain_for_its_own_retries(am, people, monkeypatch):
    retried = []
    monkeypatch.setattr(
        tasks.process_alert_inbox, "apply_async", lambda args, countdown: retried.append(args)
    )
    broken = make_integration(slug="broken", urgency_map={"severity=critical": "not-a-level"})
    services.inbox_receive(integration=broken, body=json.dumps(alert(0)).encode(), headers={})
    good = services.inbox_receive(integration=am, body=json.dumps(alert(1)).encode(), headers={})
    assert tasks.drain_alert_inbox() == 2
    assert AlertInbox.objects.get(pk=good.pk).state == InboxState.DONE
    failed = AlertInbox.objects.get(integration=broken)
    assert (failed.state, failed.attempts) == (InboxState.FAILED, 1)
    assert retried == [(failed.pk,)]


def test_a_cache_that_is_down_leaves_the_row_for_the_sweep(
    am, published, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(services.cache, "add", down)
    assert post(am, alert(1), capture=django_capture_on_commit_callbacks).status_code == 202
    assert published == []
    assert AlertInbox.objects.get().state == InboxState.PENDING
    assert tasks.process_pending_alerts(older_than_seconds=0) == 1
    assert published == ["drain"]
