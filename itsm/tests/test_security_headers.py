"""SECURITY.md T49 (headers part): every page forbids framing and sniffing and keeps the
referrer on the site; the session cookie is HttpOnly and SameSite."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = ["/accounts/login/", "/portal/", "/portal/incidents/", "/admin/", "/api/v1/incidents/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_the_protective_headers(emma, path):
    client = Client()
    client.force_login(emma)
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site(emma):
    client = Client()
    response = client.post("/accounts/login/", {"username": "emma", "password": "demo"})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
