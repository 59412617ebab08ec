"""NUL characters and oversized bodies are refused before anything reads them (issue 7 §2, §4).

PostgreSQL text cannot hold NUL: a NUL that reached a query made the request answer 500
(a token header, an admin list filter). Each request below carries one where a value can
reach the database; each must get a clear 400 (401 for a token), on every database.
"""

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import DataError, connection
from django.test import Client
from rest_framework.test import APIClient

from incidents.models import Incident
from incidents.tests.factories import make_incident

pytestmark = pytest.mark.django_db

NUL = "\x00"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_refused(response, *, api: bool, status: int = 400):
    assert response.status_code == status, response.content[:300]
    if api:
        assert response.json()["code"]
    else:
        assert response["Content-Type"].startswith("text/html")


# (what carries the NUL, how to send it, whether the answer is the API's JSON)
def admin_filter(sam, emma):
    return signed_in(sam).get("/admin/incidents/incident/", {"status__exact": NUL}), False


def admin_search(sam, emma):
    return signed_in(sam).get("/admin/incidents/incident/", {"q": f"a{NUL}b"}), False


def portal_search(sam, emma):
    return signed_in(emma).get("/portal/incidents/", {"search": NUL}), False


def api_filter(sam, emma):
    return signed_in(sam).get("/api/v1/incidents/", {"status": NUL}), True


def api_search(sam, emma):
    return signed_in(sam).get("/api/v1/incidents/", {"search": NUL}), True


def query_key(sam, emma):
    return signed_in(sam).get(f"/api/v1/incidents/?a{NUL}=1"), True


def path(sam, emma):
    return signed_in(emma).get(f"/portal/incidents/{NUL}/"), False


def login_form(sam, emma):
    return Client().post("/accounts/login/", {"username": f"emma{NUL}", "password": "x"}), False


def reset_form(sam, emma):
    return Client().post("/accounts/password/reset/", {"email": f"a{NUL}@example.com"}), False


def portal_form(sam, emma):
    body = {"title": f"Printer{NUL}", "description": "x", "urgency": "medium"}
    return signed_in(emma).post("/portal/incidents/new/", body), False


def session_cookie(sam, emma):
    client = Client()
    client.cookies["sessionid"] = f"abcdefgh{NUL}ijkl"
    return client.get("/portal/"), False


def user_agent(sam, emma):
    # django-axes stores the user agent of a failed sign-in.
    body = {"username": "emma", "password": "wrong"}
    return Client().post("/accounts/login/", body, HTTP_USER_AGENT=f"x{NUL}"), False


CARRIERS = [
    admin_filter,
    admin_search,
    portal_search,
    api_filter,
    api_search,
    query_key,
    path,
    login_form,
    reset_form,
    portal_form,
    session_cookie,
    user_agent,
]


@pytest.mark.parametrize("carrier", CARRIERS, ids=lambda carrier: carrier.__name__)
def test_a_nul_anywhere_is_a_clear_400(sam, emma, carrier):
    response, api = carrier(sam, emma)

    assert_refused(response, api=api)


@pytest.mark.parametrize(
    "token",
    [f"abc{NUL}def", "ab\xffcd", "0" * 200, "abc;def"],
    ids=["nul", "latin1", "long", "semicolon"],
)
def test_a_malformed_token_is_a_401(db, token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.get("/api/v1/teams/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.postgres
@pytest.mark.parametrize("carrier", CARRIERS, ids=lambda carrier: carrier.__name__)
def test_on_postgresql_the_same_requests_are_refused_before_the_database(sam, emma, carrier):
    if connection.vendor != "postgresql":
        pytest.skip("the database error this guards against is PostgreSQL's")
    # The premise: PostgreSQL itself refuses a NUL in a query.
    with pytest.raises((ValueError, DataError)):
        Incident.objects.filter(title=NUL).exists()

    response, api = carrier(sam, emma)

    assert_refused(response, api=api)


@pytest.mark.postgres
def test_on_postgresql_a_token_with_a_nul_is_a_401(db):
    if connection.vendor != "postgresql":
        pytest.skip("the database error this guards against is PostgreSQL's")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token abc{NUL}def")

    assert client.get("/api/v1/teams/").status_code == 401


def test_ordinary_values_pass(sam, emma):
    assert (
        signed_in(sam).get("/admin/incidents/incident/", {"status__exact": "new"}).status_code
        == 200
    )
    assert signed_in(emma).get("/portal/incidents/", {"search": "printer"}).status_code == 200


class CountingInput(io.RawIOBase):
    """A request body of ``size`` bytes made up on demand, counting what is read."""

    def __init__(self, size: int):
        self.size, self.read_bytes = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self.size - self.read_bytes)
        buffer[:count] = b"x" * count
        self.read_bytes += count
        return count


def wsgi_post(path: str, size: int, cookie: str = "") -> tuple[int, dict, bytes, int]:
    body = CountingInput(size)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "multipart/form-data; boundary=----x",
        "CONTENT_LENGTH": str(size),
        "HTTP_COOKIE": cookie,
        "wsgi.input": body,
        "wsgi.url_scheme": "http",
    }
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=int(status.split()[0]), headers=dict(headers))

    content = b"".join(WSGIHandler()(environ, start_response))
    return started["status"], started["headers"], content, body.read_bytes


@pytest.mark.parametrize("signed_in_as", [None, "emma"])
def test_an_oversized_upload_is_refused_without_reading_its_body(settings, emma, signed_in_as):
    cookie = ""
    if signed_in_as:
        client = signed_in(emma)
        cookie = f"sessionid={client.cookies['sessionid'].value}"
    incident = make_incident(reporter=emma)
    size = 60 * 1024 * 1024

    status, headers, content, read = wsgi_post(
        f"/portal/incidents/{incident.pk}/attach/", size, cookie
    )

    assert status == 413
    assert read == 0
    assert b"a file may be at most 10 MB" in content
    assert headers["Content-Type"].startswith("text/html")


def test_an_oversized_api_request_is_a_json_413(db):
    status, headers, content, read = wsgi_post("/api/v1/incidents/", 20 * 1024 * 1024)

    assert (status, read) == (413, 0)
    assert headers["Content-Type"] == "application/json"
    assert b"request_too_large" in content


def test_a_request_within_the_limit_is_read(db):
    status, _, _, read = wsgi_post("/accounts/login/", 1024)

    assert read > 0
    assert status != 413
