"""The OpenAPI schema builds cleanly and the docs are served by the project, not a CDN."""

import re
from urllib.parse import urlparse

import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

ASSET_URL = re.compile(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""", re.I)


def logged_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_schema_builds_without_warnings_and_validates(tmp_path):
    # The stats are process-wide: forget warnings from schemas other tests built.
    GENERATOR_STATS.reset()
    out = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    schema = yaml.safe_load(out.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/teams/" in schema["paths"]


def test_every_api_operation_is_documented_with_token_auth():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert not GENERATOR_STATS, "schema generation emitted warnings or errors"
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("name") == "Authorization" for s in schemes.values())
    for path in ["teams", "services", "configuration-items", "categories", "priority-matrix"]:
        assert set(schema["paths"][f"/api/v1/{path}/"]) == {"get"}, path
    token_issue = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert set(token_issue["responses"]) >= {"201"}


def test_schema_endpoint_serves_signed_in_users(emma):
    response = logged_in(emma).get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert "/api/v1/teams/" in response.json()["paths"]


def test_schema_and_docs_need_a_login(db):
    assert APIClient().get("/api/schema/").status_code == 401
    docs = APIClient().get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/")


def test_swagger_ui_is_served_from_the_project(emma):
    response = logged_in(emma).get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assets = ASSET_URL.findall(page)
    assert any("swagger-ui-bundle.js" in url for url in assets)
    for url in assets:
        parsed = urlparse(url)
        assert not parsed.scheme and not parsed.netloc, f"external asset {url}"
        assert url.startswith("/static/drf_spectacular_sidecar/"), url
        assert finders.find(parsed.path.removeprefix("/static/")), f"missing static file {url}"
    assert "/api/schema/" in page
