"""The status page API: staff read and write components and status incidents through the
services; employees see nothing and change nothing; the public reads the summary and
subscribes (double opt-in, throttled). Bad input is a 400, never a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from rest_framework.test import APIClient

from itsm.testing.queries import assert_constant_queries
from statuspage import tokens
from statuspage.models import Component, StatusIncident, Subscriber
from statuspage.tests.factories import major_incident, make_component

pytestmark = pytest.mark.django_db

COMPONENTS = "/api/v1/status/components/"
INCIDENTS = "/api/v1/status/incidents/"
SUBSCRIPTIONS = "/api/v1/status/subscriptions/"


def test_staff_create_edit_and_set_a_component_by_hand(sam, api_as):
    from itsm.models import Service

    client = api_as(sam)
    service = Service.objects.create(name="Intranet")
    created = client.post(
        COMPONENTS,
        {"service": service.pk, "display_name": "Intranet", "is_public": True},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "operational" and body["is_public"] is True

    url = f"{COMPONENTS}{body['id']}/"
    edited = client.patch(url, {"group": "Web", "version": body["version"]}, format="json")
    assert edited.status_code == 200 and edited.json()["group"] == "Web"
    stale = client.patch(url, {"group": "Other", "version": body["version"]}, format="json")
    assert stale.status_code == 409

    manual = client.post(
        f"{url}set-status/", {"status": "partial_outage", "reason": "Slow pages."}, format="json"
    )
    assert manual.status_code == 200
    assert manual.json()["status"] == manual.json()["manual_status"] == "partial_outage"
    back = client.post(f"{url}set-status/", {"status": "", "reason": "Fixed."}, format="json")
    assert back.json()["status"] == "operational"


@pytest.mark.parametrize(
    "body",
    [
        {"display_name": "No service"},
        {"service": 10**30, "display_name": "Huge id"},
        {"service": "x", "display_name": "Text id"},
        {"service": 1, "display_name": "Two\nlines"},
        {"service": 1, "display_name": "Has status", "status": "major_outage"},
        [],
    ],
)
def test_bad_component_input_is_a_400(sam, api_as, body):
    assert api_as(sam).post(COMPONENTS, body, format="json").status_code == 400


def test_a_bad_status_or_missing_reason_is_a_400(sam, api_as):
    component = make_component(actor=sam)
    client = api_as(sam)
    url = f"{COMPONENTS}{component.pk}/set-status/"
    for body in (
        {"status": "on_fire", "reason": "x"},
        {"status": "major_outage"},
        {"status": "major_outage", "reason": " "},
    ):
        assert client.post(url, body, format="json").status_code == 400
    assert Component.objects.get(pk=component.pk).status == "operational"


def test_employees_see_nothing_and_change_nothing(sam, emma, api_as):
    component = make_component(actor=sam)
    incident = major_incident(reporter=emma, agent=sam, service=component.service)
    client = api_as(emma)
    assert client.get(COMPONENTS).json()["results"] == []
    assert client.get(INCIDENTS).json()["results"] == []
    assert client.get(f"{COMPONENTS}{component.pk}/").status_code == 404
    assert (
        client.post(
            f"{COMPONENTS}{component.pk}/set-status/",
            {"status": "major_outage", "reason": "x"},
            format="json",
        ).status_code
        == 404
    )
    assert (
        client.post(
            COMPONENTS, {"service": component.service_id, "display_name": "X"}, format="json"
        ).status_code
        == 403
    )
    published = client.post(
        INCIDENTS, {"incident": incident.pk, "title": "Down", "body": "Down."}, format="json"
    )
    assert published.status_code == 403
    assert not StatusIncident.objects.exists()


def test_staff_publish_a_major_incident_and_post_until_resolved(sam, emma, api_as):
    component = make_component(actor=sam)
    incident = major_incident(reporter=emma, agent=sam, service=component.service)
    client = api_as(sam)
    opened = client.post(
        INCIDENTS,
        {"incident": incident.pk, "title": "E-mail is down", "body": "We are looking."},
        format="json",
    )
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["components"] == [component.pk] and body["incident"] == incident.number
    assert Component.objects.get(pk=component.pk).status == "major_outage"
    again = client.post(
        INCIDENTS, {"incident": incident.pk, "title": "Again", "body": "Again."}, format="json"
    )
    assert again.status_code == 400

    url = f"{INCIDENTS}{body['id']}/updates/"
    assert client.post(url, {"state": "sleeping", "body": "x"}, format="json").status_code == 400
    assert client.post(url, {"state": "monitoring", "body": " "}, format="json").status_code == 400
    resolved = client.post(url, {"state": "resolved", "body": "All good."}, format="json")
    assert resolved.status_code == 201
    assert [u["state"] for u in resolved.json()["updates"]] == ["investigating", "resolved"]
    assert resolved.json()["resolved_at"]
    assert Component.objects.get(pk=component.pk).status == "operational"
    late = client.post(url, {"state": "monitoring", "body": "Hm."}, format="json")
    assert late.status_code == 400
    active = client.get(INCIDENTS, {"active": "true"}).json()["results"]
    assert active == []
    assert client.get(INCIDENTS, {"active": "maybe"}).status_code == 400


def test_a_routine_incident_cannot_be_published(sam, emma, api_as):
    from incidents.tests.factories import make_incident

    make_component(actor=sam)
    incident = make_incident(reporter=emma)
    answer = api_as(sam).post(
        INCIDENTS, {"incident": incident.pk, "title": "Down", "body": "Down."}, format="json"
    )
    assert answer.status_code == 400


def test_the_public_summary_needs_no_sign_in(sam):
    make_component(actor=sam, name="Public one")
    make_component(actor=sam, name="Hidden one", public=False)
    answer = APIClient().get("/api/v1/status/summary/")
    assert answer.status_code == 200
    names = [c["name"] for c in answer.json()["components"]]
    assert names == ["Public one"]


def test_public_subscribe_and_confirm(sam, django_capture_on_commit_callbacks):
    public = make_component(actor=sam)
    hidden = make_component(actor=sam, public=False)
    client = APIClient()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            SUBSCRIPTIONS, {"email": "Ann@Example.com", "components": [public.pk]}, format="json"
        )
    assert sent.status_code == 202
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    subscriber = Subscriber.objects.get()
    assert not subscriber.is_active

    for token in ("forged", tokens.make(subscriber.pk, "unsubscribe")):
        answer = client.post(f"{SUBSCRIPTIONS}confirm/", {"token": token}, format="json")
        assert answer.status_code == 400
    token = tokens.make(subscriber.pk, "confirm")
    confirmed = client.post(f"{SUBSCRIPTIONS}confirm/", {"token": token}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"] is True
    assert Subscriber.objects.get().is_active

    hidden_answer = client.post(
        SUBSCRIPTIONS, {"email": "ann@example.com", "components": [hidden.pk]}, format="json"
    )
    assert hidden_answer.status_code == 400
    for bad in ({"email": "not an address", "components": [public.pk]}, {"email": "a@b.c"}):
        assert client.post(SUBSCRIPTIONS, bad, format="json").status_code == 400

    stop = tokens.make(subscriber.pk, "unsubscribe")
    stopped = client.post(f"{SUBSCRIPTIONS}unsubscribe/", {"token": stop}, format="json")
    assert stopped.status_code == 200 and stopped.json()["confirmed"] is False


def test_subscribing_is_throttled(sam, settings):
    settings.STATUSPAGE_SUBSCRIBE_PER_HOUR = 2
    public = make_component(actor=sam)
    client = APIClient()
    answers = [
        client.post(
            SUBSCRIPTIONS, {"email": "flood@example.com", "components": [public.pk]}, format="json"
        ).status_code
        for _ in range(3)
    ]
    assert answers == [202, 202, 429]


def _fresh(user):
    # The role lookup is cached on the user object: a fresh one per request.
    return get_user_model().objects.get(pk=user.pk)


def test_component_list_budget(sam, api_as):
    def add(count):
        for _ in range(count):
            make_component(actor=sam)

    def request():
        answer = api_as(_fresh(sam)).get(COMPONENTS)
        assert answer.status_code == 200
        return answer

    assert assert_constant_queries(add, request, large=12) <= 6


def test_status_incident_list_budget(sam, emma, api_as):
    from statuspage import services

    def add(count):
        for _ in range(count):
            component = make_component(actor=sam)
            incident = major_incident(reporter=emma, agent=sam, service=component.service)
            opened = services.status_incident_open(
                incident_id=incident.pk, actor=sam, title="Down", body="Down."
            )
            services.status_update_post(
                status_incident_id=opened.pk, actor=sam, state="monitoring", body="Better."
            )

    def request():
        answer = api_as(_fresh(sam)).get(INCIDENTS)
        assert answer.status_code == 200
        return answer

    assert assert_constant_queries(add, request, large=8) <= 8
