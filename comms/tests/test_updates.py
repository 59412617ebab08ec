"""Stakeholder updates: one record, sent after commit by e-mail and to the stakeholder
teams' chat webhooks, once per recipient however often the tasks run."""

from unittest import mock

import pytest
import requests
from django.core import mail
from django.urls import reverse

from comms import services, tasks
from comms.choices import DeliveryStatus
from comms.models import StakeholderUpdate, UpdateDelivery
from comms.tests.factories import chat_webhook, component_with_subscribers
from itsm.errors import Refused
from itsm.models import Team

pytestmark = pytest.mark.django_db


def reply(status, text="ok"):
    return mock.Mock(status_code=status, text=text)


@pytest.fixture
def listed(people, major):
    desk = Team.objects.get(name="Service Desk")  # sam and dana
    services.stakeholders_add(
        incident_id=major.pk, actor=people["sam"], people=[people["pat"]], teams=[desk]
    )
    component_with_subscribers(
        actor=people["sam"], service=major.service, emails=["customer@example.org"]
    )
    hook = chat_webhook(desk)
    chat_webhook(desk, active=False)
    return {"desk": desk, "hook": hook}


def send(people, major, capture, channels=("email", "chat")):
    with capture(execute=True):
        return services.stakeholder_update_send(
            incident_id=major.pk,
            actor=people["sam"],
            body="The VPN is down; next update in 30 minutes.",
            channels=list(channels),
        )


def test_an_update_reaches_people_teams_subscribers_and_chat(
    people, major, listed, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    mail.outbox.clear()
    with mock.patch.object(requests, "post", return_value=reply(200)) as post:
        update = send(people, major, django_capture_on_commit_callbacks)

    assert (update.sent_by, update.channels) == (people["sam"], ["email", "chat"])
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["customer@example.org", "dana@example.com", "pat@example.com", "sam@example.com"]
    internal = next(m for m in mail.outbox if m.to == ["pat@example.com"])
    assert major.number in internal.subject and "next update in 30" in internal.body
    external = next(m for m in mail.outbox if m.to == ["customer@example.org"])
    assert major.number not in external.subject + external.body
    assert major.title not in external.body and "Sam" not in external.body
    assert "/status/unsubscribe/" in external.extra_headers["List-Unsubscribe"]
    post.assert_called_once()
    assert post.call_args.args[0] == listed["hook"].url
    assert "next update in 30" in post.call_args.kwargs["json"]["text"]
    assert set(update.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_redelivered_tasks_send_nobody_a_second_copy(
    people, major, listed, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with mock.patch.object(requests, "post", return_value=reply(200)) as post:
        update = send(people, major, django_capture_on_commit_callbacks)
        sent = len(mail.outbox)
        rows = UpdateDelivery.objects.count()
        # The broker hands both tasks out again (a worker died before acknowledging).
        tasks.fan_out_update.apply(args=[update.pk]).get()
        ids = list(update.deliveries.values_list("pk", flat=True))
        assert tasks.send_update_batch.apply(args=[ids]).get() == 0
    assert len(mail.outbox) == sent
    assert UpdateDelivery.objects.count() == rows
    assert post.call_count == 1


def test_a_failing_chat_webhook_is_retried_and_a_refusal_is_final(
    people, major, listed, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    update = send(people, major, django_capture_on_commit_callbacks, channels=["chat"])
    ids = services.update_fan_out(update_id=update.pk)
    assert len(ids) == 1
    down = mock.patch.object(requests, "post", side_effect=requests.ConnectionError("down"))
    with down, pytest.raises(services.DeliveryFailed):
        services.delivery_send(delivery_id=ids[0])
    delivery = UpdateDelivery.objects.get(pk=ids[0])
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    with mock.patch.object(requests, "post", return_value=reply(404, "no such hook")):
        assert services.delivery_send(delivery_id=ids[0]) is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)


@pytest.mark.parametrize(
    ("body", "channels", "code"),
    [
        ("  ", ["email"], "update_body_required"),
        ("Down.", [], "update_channel_required"),
        ("Down.", ["fax"], "update_channel_required"),
    ],
)
def test_bad_updates_are_refused_and_record_nothing(people, major, body, channels, code):
    with pytest.raises(Refused) as refused:
        services.stakeholder_update_send(
            incident_id=major.pk, actor=people["sam"], body=body, channels=channels
        )
    assert refused.value.code == code
    assert not StakeholderUpdate.objects.exists()


def test_employees_may_not_send(people, major):
    with pytest.raises(Refused):
        services.stakeholder_update_send(
            incident_id=major.pk, actor=people["emma"], body="Hi", channels=["email"]
        )


def test_the_portal_page_and_the_admin_button_send_through_the_service(
    people, major, client, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(people["sam"])
    url = reverse("comms:send_update", args=[major.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"body": "", "channels": ["email"]})
    assert bad.status_code == 400 and "body" in bad.context["form"].errors
    response = client.post(url, {"body": "Portal update", "channels": ["email"]})
    assert response.status_code == 302
    admin_url = reverse(
        "admin:incidents_incident_transition", args=[major.pk, "send_stakeholder_update"]
    )
    response = client.post(admin_url, {"body": "Console update", "channels": ["chat"]})
    assert response.status_code == 302
    assert list(StakeholderUpdate.objects.order_by("pk").values_list("body", "channels")) == [
        ("Portal update", ["email"]),
        ("Console update", ["chat"]),
    ]
    history = StakeholderUpdate.history.filter(history_type="+")
    assert {row.history_user for row in history} == {people["sam"]}


def test_the_send_page_is_for_staff_only(people, major, client):
    url = reverse("comms:send_update", args=[major.pk])
    assert client.get(url).status_code == 302
    client.force_login(people["emma"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "x", "channels": ["email"]}).status_code == 404
