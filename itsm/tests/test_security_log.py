"""SECURITY.md T38: security events are one structured line each, with no secrets."""

import json

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from incidents import services
from incidents.tests.factories import make_incident
from itsm.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db


def events(caplog, name):
    found = [json.loads(r.getMessage()) for r in caplog.records if r.name == "itsm.security"]
    return [e for e in found if e["event"] == name]


def test_failed_login_names_the_user_but_not_the_password(caplog, emma):
    Client().post("/accounts/login/", {"username": "emma", "password": "Secret-Guess-1"})
    (event,) = events(caplog, "login_failed")
    assert event["username"] == "emma" and event["path"] == "/accounts/login/"
    assert event["at"].endswith("+00:00")
    assert "Secret-Guess-1" not in caplog.text


def test_crlf_in_a_username_stays_on_one_line(caplog, db):
    Client().post("/accounts/login/", {"username": "eve\r\nFAKE login ok", "password": "x"})
    lines = [r.getMessage() for r in caplog.records if r.name == "itsm.security"]
    assert lines and all("\n" not in line and "\r" not in line for line in lines)
    assert events(caplog, "login_failed")[0]["username"] == "eve\r\nFAKE login ok"


def test_lockout_is_logged(caplog, emma):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "emma", "password": "wrong"})
    assert events(caplog, "lockout")[0]["username"] == "emma"


def test_token_create_and_revoke_are_logged_without_the_token(caplog, emma):
    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": "emma", "password": "demo"}).json()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    client.post("/api/v1/auth/token/revoke/")
    assert events(caplog, "token_created")[0]["username"] == "emma"
    assert events(caplog, "token_revoked")[0]["username"] == "emma"
    assert token["token"] not in caplog.text
    assert token["token"][:8] not in caplog.text


def test_reaching_for_someone_elses_incident_is_logged(caplog, emma, eli):
    theirs = make_incident(reporter=eli)
    client = Client()
    client.force_login(emma)
    assert client.get(f"/portal/incidents/{theirs.pk}/").status_code == 404
    (event,) = events(caplog, "out_of_scope")
    assert event["username"] == "emma"
    assert event["object"] == f"incidents.incident:{theirs.pk}"
    client.get("/portal/incidents/999999/")
    assert len(events(caplog, "out_of_scope")) == 1


def test_refused_permission_on_a_transition_is_logged(caplog, emma, eli):
    incident = make_incident(reporter=eli)
    with pytest.raises(TransitionNotAllowed):
        services.incident_transition(incident_id=incident.pk, name="cancel", actor=emma, reason="x")
    (event,) = events(caplog, "transition_refused")
    assert event["transition"] == "cancel" and event["username"] == "emma"
