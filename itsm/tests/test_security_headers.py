"""SECURITY.md T49 (headers part): every page forbids framing and sniffing, keeps the
referrer on the site and runs under a Content-Security-Policy; signed-in answers are not
cached; the session cookie is HttpOnly and SameSite."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from rest_framework.test import APIClient

from incidents import services
from incidents.tests.factories import make_incident

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


# --- Content-Security-Policy and caching (issue 7 §7) -------------------------------------


class InlineBlocks(HTMLParser):
    """The nonce of every inline <script> and <style> (None when it has none)."""

    def __init__(self):
        super().__init__()
        self.nonces: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style" or (tag == "script" and "src" not in attrs):
            self.nonces.append(attrs.get("nonce"))


def inline_nonces(response) -> list[str | None]:
    parser = InlineBlocks()
    parser.feed(response.content.decode())
    return parser.nonces


def policy(response) -> dict[str, str]:
    directives = (
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return {name: value for name, value in directives}


def record_pages(incident) -> list[str]:
    return [
        "/portal/",
        "/portal/incidents/",
        "/portal/incidents/new/",
        f"/portal/incidents/{incident.pk}/",
        "/accounts/password/change/",
        "/admin/",
        "/admin/incidents/incident/",
        f"/admin/incidents/incident/{incident.pk}/change/",
        f"/admin/incidents/incident/{incident.pk}/history/",
        "/admin/incidents/incident/add/",
        "/api/docs/",
        "/api/v1/incidents/",
        f"/api/v1/incidents/{incident.pk}/",
        "/no-such-page/",
    ]


@pytest.fixture
def incident(emma):
    return make_incident(reporter=emma)


def test_every_page_has_a_policy_without_unsafe_inline(sam, incident):
    staff = Client()
    staff.force_login(sam)
    pages = [(Client(), "/accounts/login/"), (Client(), "/admin/login/")]
    pages += [(staff, path) for path in record_pages(incident)]
    pages_with_inline_blocks = 0

    for client, path in pages:
        response = client.get(path)
        assert response.status_code in {200, 404}, path
        directives = policy(response)
        nonce = directives["script-src"].split("'nonce-")[1].rstrip("'")
        for name in ("default-src", "script-src", "style-src"):
            assert "unsafe-inline" not in directives[name], path
            assert "unsafe-eval" not in directives[name], path
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        nonces = inline_nonces(response)
        assert nonces == [nonce] * len(nonces), path
        pages_with_inline_blocks += bool(nonces)

    # The admin and the API docs do have inline blocks: the check above saw some.
    assert pages_with_inline_blocks >= 3


def test_the_nonce_is_new_on_every_request(sam):
    client = Client()
    client.force_login(sam)

    first, second = (policy(client.get("/admin/"))["script-src"] for _ in range(2))

    assert first != second


def test_a_download_keeps_its_own_stricter_policy(emma, incident):
    services.incident_attachment_add(
        incident_id=incident.pk, actor=emma, upload=SimpleUploadedFile("a.txt", b"hello")
    )
    client = Client()
    client.force_login(emma)

    response = client.get(f"/portal/incidents/attachments/{incident.attachments.get().pk}/")

    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_signed_in_answers_are_not_cached(sam, incident):
    client = Client()
    client.force_login(sam)

    for path in record_pages(incident):
        cache_control = {part.strip() for part in client.get(path)["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control, path


def test_token_authenticated_api_answers_are_not_cached(emma, incident):
    token = (
        APIClient()
        .post("/api/v1/auth/token/", {"username": "emma", "password": "demo"}, format="json")
        .json()["token"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.get(f"/api/v1/incidents/{incident.pk}/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_anonymous_pages_are_left_cacheable():
    assert "no-store" not in Client().get("/health/").get("Cache-Control", "")


# --- Every answer under /api/ is JSON (issue 7 §2) ----------------------------------------

API_MISSES = [
    "/api/v1/incidents/-1/",
    "/api/v1/incidents/abc/",
    "/api/v1/incidents/1.5/",
    "/api/v1/incidents/99999999999999999999/",
    "/api/v1/no-such-thing/",
    "/api/v2/",
    "/api/nothing",
]


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("path", API_MISSES)
def test_api_misses_are_json_404s_even_in_debug(sam, path, debug):
    client = APIClient()
    client.force_authenticate(sam)

    with override_settings(DEBUG=debug):
        response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_portal_misses_stay_html_pages(emma):
    client = Client()
    client.force_login(emma)

    response = client.get("/portal/incidents/abc/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
