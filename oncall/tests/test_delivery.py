"""Deliveries: chat payloads per tool, retries with the log kept, idempotency, e-mail.
The network is mocked; nothing leaves the machine."""

from unittest import mock

import pytest
import requests
from celery.exceptions import Retry
from django.core import mail

from itsm.testing.clock import install_clock
from oncall import services
from oncall.choices import WebhookKind
from oncall.models import ChatWebhook, PageDelivery
from oncall.tasks import deliver_page
from oncall.tests.factories import NOON, assigned_incident, network_on_call

pytestmark = pytest.mark.django_db


def reply(status, text="ok"):
    response = mock.Mock(status_code=status, text=text)
    return response


@pytest.fixture
def paged(people, monkeypatch):
    install_clock(monkeypatch, NOON)
    schedule, *_ = network_on_call(people)
    for kind in WebhookKind.values:
        ChatWebhook.objects.create(
            team=schedule.team, name=kind, kind=kind, url=f"https://chat.example.com/{kind}"
        )
    incident = assigned_incident(people)
    with mock.patch.object(requests, "post", return_value=reply(200)) as post:
        page = services.page_incident(incident_id=incident.pk)
    # Deliveries are queued after commit; in this test nothing committed, so none ran.
    assert not post.called
    return page


def chat(page, kind):
    return page.deliveries.get(webhook__kind=kind)


def test_each_tool_gets_its_own_payload(paged):
    with mock.patch.object(requests, "post", return_value=reply(200)) as post:
        for kind in WebhookKind.values:
            assert services.deliver(delivery_id=chat(paged, kind).pk)
    bodies = {call.args[0].rsplit("/", 1)[1]: call.kwargs["json"] for call in post.call_args_list}
    assert "/portal/oncall/ack/" in bodies["slack"]["text"]
    assert "|Acknowledge>" in bodies["slack"]["text"]
    assert "[Acknowledge](http" in bodies["mattermost"]["text"]
    card = bodies["teams"]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard"
    assert [a["title"] for a in card["content"]["actions"]] == ["Acknowledge", "Open incident"]
    assert all(call.kwargs["timeout"] for call in post.call_args_list)


def test_a_sent_delivery_is_not_sent_again(paged):
    delivery = chat(paged, "slack")
    with mock.patch.object(requests, "post", return_value=reply(200)) as post:
        assert services.deliver(delivery_id=delivery.pk)
        assert not services.deliver(delivery_id=delivery.pk)
    assert post.call_count == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("sent", 1, 200)


def test_transient_failures_are_logged_and_retried(paged):
    delivery = chat(paged, "mattermost")
    failures = [requests.ConnectionError("refused"), reply(503, "busy"), reply(429, "slow")]
    with mock.patch.object(requests, "post", side_effect=failures):
        for _ in failures:
            with pytest.raises(services.DeliveryFailed):
                services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 3)
    assert "429" in delivery.last_error
    assert delivery.history.count() == 4  # queued, then each attempt


def test_the_task_retries_with_back_off_then_gives_up(paged):
    delivery = chat(paged, "slack")
    with mock.patch.object(requests, "post", return_value=reply(500, "down")) as post:
        with pytest.raises(Retry):
            deliver_page.apply(args=[delivery.pk])
        last = deliver_page.apply(args=[delivery.pk], retries=deliver_page.max_retries)
    assert last.get() is False
    assert post.call_count == 2
    assert deliver_page.retry_backoff and deliver_page.max_retries == 5
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "500" in delivery.last_error


def test_a_refusal_fails_at_once(paged):
    delivery = chat(paged, "teams")
    with mock.patch.object(requests, "post", return_value=reply(404, "no such hook")) as post:
        assert not services.deliver(delivery_id=delivery.pk)
        assert not services.deliver(delivery_id=delivery.pk)
    assert post.call_count == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_status) == ("failed", 404)


def test_the_email_carries_a_single_use_link(paged):
    delivery = paged.deliveries.get(channel="email")
    assert services.deliver(delivery_id=delivery.pk)
    (message,) = [m for m in mail.outbox if "P1 page" in m.subject]
    assert message.to == ["ravi@example.com"]
    assert "/portal/oncall/ack/" in message.body


def test_a_lost_task_is_requeued_by_the_beat_job(paged, monkeypatch):
    from datetime import timedelta

    from oncall.tasks import oncall_escalate

    install_clock(monkeypatch, NOON + timedelta(hours=1))
    with mock.patch.object(requests, "post", return_value=reply(200)):
        oncall_escalate()
    # The page's own deliveries went out; the escalation step it took queued new ones.
    assert set(paged.deliveries.values_list("status", flat=True)) == {"sent"}
    assert PageDelivery.objects.exclude(page=paged).exists()
