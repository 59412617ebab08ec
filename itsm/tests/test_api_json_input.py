"""Hostile JSON bodies get a 400 in the API's error shape, never a 500 (issue 7 §2, §6).

Every API route is tried, signed in and anonymous, so an endpoint added later is
covered without editing this file.
"""

import json

import pytest
from rest_framework.test import APIClient

from incidents.tests.factories import make_incident
from itsm.api.parsers import MAX_BYTES, MAX_DEPTH
from itsm.testing.routes import walk

pytestmark = pytest.mark.django_db

API_PATHS = sorted(
    {route.path for route in walk() if route.path and route.path.startswith("/api/v1/")}
)
DEEP = "[" * 100_000
ISSUE = "/api/v1/auth/token/"
INCIDENTS = "/api/v1/incidents/"


def send(client, method: str, path: str, body: str):
    return getattr(client, method)(path, body, content_type="application/json")


def assert_parse_error(response):
    assert response.status_code == 400, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "parse_error"
    assert body["detail"]
    return body["detail"]


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous"])
def test_deep_nesting_never_answers_500_on_any_api_route(admin_user, signed_in):
    client = APIClient()
    if signed_in:
        client.force_authenticate(admin_user)
    make_incident(reporter=admin_user)
    parsed = []

    for path in API_PATHS:
        for method in ("post", "put", "patch"):
            response = send(client, method, path, DEEP)

            # Endpoints that read no body (revoke) may succeed; none may fail.
            assert response.status_code < 500, (method, path)
            if response.content:
                assert response["Content-Type"].startswith("application/json"), (method, path)
            if response.status_code == 400 and response.json()["code"] == "parse_error":
                parsed.append(f"{method} {path}")

    # The walk reached the endpoints that do read a body.
    assert f"post {ISSUE}" in parsed
    if signed_in:
        assert f"post {INCIDENTS}" in parsed


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_nesting_past_the_limit_is_refused_below_it_is_parsed(emma, opener):
    client = APIClient()
    client.force_authenticate(emma)
    closer = "]" if opener == "[" else "}"

    def nested(depth):
        return (
            json.dumps({"title": "x", "description": "y"})[:-1]
            + ', "x": '
            + (opener * depth + "1" + closer * depth)
            + "}"
        )

    too_deep = send(client, "post", INCIDENTS, nested(MAX_DEPTH))
    shallow = send(client, "post", INCIDENTS, nested(MAX_DEPTH - 2))

    assert "nested" in assert_parse_error(too_deep)
    # Parsed: refused by the serializer for the unknown key, not by the parser.
    assert shallow.status_code == 400
    assert shallow.json()["code"] == "invalid"
    assert "x" in shallow.json()["errors"]


def test_duplicate_keys_are_refused(emma):
    client = APIClient()
    client.force_authenticate(emma)

    response = send(client, "post", INCIDENTS, '{"title": "first", "title": "second"}')

    assert "title" in assert_parse_error(response)
    assert client.get(INCIDENTS, {"count": "true"}).json()["count"] == 0


def test_duplicate_keys_in_a_nested_object_are_refused_too(db):
    body = '{"username": "emma", "password": "x", "extra": {"a": 1, "a": 2}}'

    assert_parse_error(send(APIClient(), "post", ISSUE, body))


@pytest.mark.parametrize(
    "body",
    [
        '{"title": "a\\u0000b", "description": "x"}',
        '{"title": "ok", "description": "x", "tags": ["\\u0000"]}',
        '{"ti\\u0000tle": "ok"}',
    ],
)
def test_nul_characters_in_json_strings_are_refused(emma, body):
    client = APIClient()
    client.force_authenticate(emma)

    assert "NUL" in assert_parse_error(send(client, "post", INCIDENTS, body))


def test_a_body_over_the_limit_is_refused_unread(emma):
    client = APIClient()
    client.force_authenticate(emma)
    body = json.dumps({"title": "x", "description": "y" * MAX_BYTES})

    assert "at most" in assert_parse_error(send(client, "post", INCIDENTS, body))


def test_not_a_number_is_still_refused(emma):
    client = APIClient()
    client.force_authenticate(emma)

    assert_parse_error(send(client, "post", INCIDENTS, '{"title": NaN}'))


def test_ordinary_json_still_works(emma):
    client = APIClient()
    client.force_authenticate(emma)

    response = send(client, "post", INCIDENTS, json.dumps({"title": "Printer", "description": "é"}))

    assert response.status_code == 201, response.content
