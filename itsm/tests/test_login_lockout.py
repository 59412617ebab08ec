"""SECURITY.md T42/T47: repeated wrong passwords lock sign-in for that user and address."""

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def portal_login(client, password, **headers):
    return client.post("/accounts/login/", {"username": "emma", "password": password}, **headers)


def test_portal_locks_after_the_limit_even_for_the_right_password(emma):
    client = Client()
    for _ in range(LIMIT - 1):
        assert portal_login(client, "wrong").status_code == 200
    locked = portal_login(client, "wrong")
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert portal_login(client, "demo").status_code == 429
    assert "_auth_user_id" not in client.session


def test_forged_forwarded_for_does_not_escape_the_lockout(emma):
    client = Client()
    for n in range(LIMIT):
        portal_login(client, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = portal_login(client, "demo", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429


def test_another_address_is_not_locked_out(emma):
    for _ in range(LIMIT):
        portal_login(Client(REMOTE_ADDR="192.0.2.10"), "wrong")
    other = portal_login(Client(REMOTE_ADDR="192.0.2.20"), "demo")
    assert other.status_code == 302


def test_success_before_the_limit_resets_the_count(emma):
    client = Client()
    for _ in range(LIMIT - 1):
        portal_login(client, "wrong")
    assert portal_login(client, "demo").status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        portal_login(client, "wrong")
    assert portal_login(client, "demo").status_code == 302


def test_admin_login_locks_too(sam):
    client = Client()
    for _ in range(LIMIT):
        client.post("/admin/login/", {"username": "sam", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "sam", "password": "demo"})
    assert response.status_code == 429


def test_api_token_endpoint_locks_too(emma):
    client = APIClient()
    for _ in range(LIMIT - 1):
        response = client.post("/api/v1/auth/token/", {"username": "emma", "password": "x"})
        assert response.status_code == 400
    assert (
        client.post("/api/v1/auth/token/", {"username": "emma", "password": "x"}).status_code == 429
    )
    right = client.post("/api/v1/auth/token/", {"username": "emma", "password": "demo"})
    assert right.status_code == 429
    assert "token" not in right.content.decode()
