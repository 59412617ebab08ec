"""SECURITY.md T44: sessions and tokens end when they should."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

HOME = "/portal/"


def signed_in(username="emma", password="demo") -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302
    return client


def is_signed_out(client) -> bool:
    response = client.get(HOME)
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_login_issues_a_new_session_key(emma):
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/accounts/login/", {"username": "emma", "password": "demo"})
    assert client.session.session_key != before


def test_the_old_cookie_is_dead_after_logout(emma):
    client = signed_in()
    stolen = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = stolen
    assert is_signed_out(replay)


def test_deactivation_ends_sessions_and_tokens(emma):
    client = signed_in()
    api = APIClient()
    token = api.post("/api/v1/auth/token/", {"username": "emma", "password": "demo"}).json()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    assert api.get("/api/v1/incidents/").status_code == 200

    emma.is_active = False
    emma.save()

    assert is_signed_out(client)
    assert api.get("/api/v1/incidents/").status_code == 401


def test_password_change_ends_the_other_sessions(emma):
    laptop, phone = signed_in(), signed_in()
    response = laptop.post(
        "/accounts/password/change/",
        {
            "old_password": "demo",
            "new_password1": "Tangerine-Kite-77",
            "new_password2": "Tangerine-Kite-77",
        },
    )
    assert response.status_code == 302
    assert not is_signed_out(laptop)
    assert is_signed_out(phone)
