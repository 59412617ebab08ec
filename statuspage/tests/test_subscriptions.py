"""Subscribers: double opt-in, one-click unsubscribe, one message per update and
subscriber however often a task runs, and a form that tells nobody anything."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from statuspage import notify, services, tokens
from statuspage.models import Subscriber
from statuspage.tests.factories import major_incident, make_component

pytestmark = pytest.mark.django_db


def _subscribe(client, email, *components, **extra):
    return client.post(
        reverse("statuspage:subscribe"),
        {"email": email, "components": [c.pk for c in components]},
        **extra,
    )


def _link(message, name):
    pattern = {
        "confirm": r"/status/subscribe/confirm/[^/\s]+/",
        "unsubscribe": r"/status/unsubscribe/[^/\s]+/",
    }[name]
    return re.search(pattern, message.body).group(0)


def _to(address):
    return [message for message in mail.outbox if message.to == [address]]


def _publish(sam, emma, component):
    incident = major_incident(reporter=emma, agent=sam, service=component.service)
    return services.status_incident_open(
        incident_id=incident.pk, actor=sam, title="VPN down", body="We are looking into it."
    )


def test_double_opt_in_then_updates_then_one_click_unsubscribe(
    sam, emma, django_capture_on_commit_callbacks
):
    component = make_component(actor=sam, name="VPN")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client, "Pat@Example.com", component)
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    confirm = _link(mail.outbox[0], "confirm")
    assert Subscriber.objects.get().confirmed_at is None

    # Nothing until confirmed.
    with django_capture_on_commit_callbacks(execute=True):
        status_incident = _publish(sam, emma, component)
    assert len(_to("pat@example.com")) == 1

    assert client.get(confirm).status_code == 200  # a page with a button; no change yet
    assert Subscriber.objects.get().confirmed_at is None
    assert client.post(confirm).status_code == 200
    assert Subscriber.objects.get().is_active

    with django_capture_on_commit_callbacks(execute=True):
        services.status_update_post(
            status_incident_id=status_incident.pk, actor=sam, state="identified", body="Found it."
        )
    update_mail = _to("pat@example.com")[-1]
    assert "Found it." in update_mail.body
    assert sam.get_full_name() not in update_mail.body
    assert update_mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    unsubscribe = _link(update_mail, "unsubscribe")
    # One click from the mail client: a POST without a CSRF token or a session.
    assert Client(enforce_csrf_checks=True).post(unsubscribe).status_code == 200
    assert Subscriber.objects.get().unsubscribed_at is not None
    sent = len(_to("pat@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        services.status_update_post(
            status_incident_id=status_incident.pk, actor=sam, state="resolved", body="Fixed."
        )
    assert len(_to("pat@example.com")) == sent


def _active(component, email):
    subscriber = Subscriber.objects.create(component=component, email=email)
    services.subscription_confirm(token=tokens.make(subscriber.pk, "confirm"))
    return subscriber


def test_a_redelivered_task_sends_nothing_twice(sam, emma):
    first, second = make_component(actor=sam), make_component(actor=sam)
    for index in range(3):
        _active(first, f"user{index}@example.com")
    _active(second, "user0@example.com")  # the same address on two components
    status_incident = _publish(sam, emma, first)
    status_incident.components.add(second)
    update = status_incident.updates.get()
    mail.outbox.clear()

    notify.notify_update(update.pk)
    notify.notify_update(update.pk)  # redelivered
    ids = notify.active_subscriber_ids(update)
    notify.send_update_batch(update.pk, ids)  # a batch run again

    assert sorted(m.to[0] for m in mail.outbox) == [f"user{i}@example.com" for i in range(3)]


def test_updates_go_out_in_batches(sam, emma, monkeypatch):
    component = make_component(actor=sam)
    for index in range(5):
        _active(component, f"b{index}@example.com")
    status_incident = _publish(sam, emma, component)
    monkeypatch.setattr(notify, "BATCH_SIZE", 2)
    mail.outbox.clear()

    assert notify.notify_update(status_incident.updates.get().pk) == 3
    assert len(mail.outbox) == 5


def test_the_answer_is_the_same_for_new_and_known_addresses(
    sam, django_capture_on_commit_callbacks
):
    component = make_component(actor=sam)
    _active(component, "known@example.com")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        known = _subscribe(Client(), "known@example.com", component)
        new = _subscribe(Client(), "new@example.com", component)

    assert known.status_code == new.status_code == 200
    assert known.content == new.content
    assert [m.to for m in mail.outbox] == [["new@example.com"]]


def test_hidden_components_cannot_be_subscribed(sam):
    hidden = make_component(actor=sam, public=False)

    response = _subscribe(Client(), "x@example.com", hidden)

    assert response.status_code == 200
    assert "components" in response.context["form"].errors
    assert not Subscriber.objects.exists()


def test_the_form_is_throttled(sam, settings, django_capture_on_commit_callbacks):
    settings.STATUSPAGE_SUBSCRIBE_PER_HOUR = 2
    component = make_component(actor=sam)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        codes = [_subscribe(client, f"v{i}@example.com", component).status_code for i in range(3)]

    assert codes == [200, 200, 429]
    assert Subscriber.objects.count() == 2


def test_confirmations_to_one_address_are_limited(sam, django_capture_on_commit_callbacks):
    component = make_component(actor=sam)
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(2):
            _subscribe(Client(REMOTE_ADDR=f"10.0.0.{index}"), "victim@example.com", component)

    assert len(mail.outbox) == 1  # one confirmation per subscriber and hour


@pytest.mark.parametrize("action", ["confirm", "unsubscribe"])
def test_forged_or_crossed_tokens_are_refused(sam, action):
    subscriber = Subscriber.objects.create(component=make_component(actor=sam), email="a@b.cd")
    other = "unsubscribe" if action == "confirm" else "confirm"
    name = "statuspage:confirm" if action == "confirm" else "statuspage:unsubscribe"
    client = Client()

    for token in [
        "nonsense",
        tokens.make(subscriber.pk, other),
        tokens.make(subscriber.pk, action) + "x",
    ]:
        assert client.post(reverse(name, args=[token])).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None and subscriber.unsubscribed_at is None
