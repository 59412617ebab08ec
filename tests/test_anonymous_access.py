"""SECURITY.md T10: anonymous requests to every route are refused or sent to a login page.

The routes come from walking the URL resolver, so a route added later is checked without
editing this file. Only the explicit public allowlist below may answer anonymously.
"""

from urllib.parse import urlparse

import pytest
from django.test import Client

from itsm.testing.routes import walk

# URL name -> methods that may answer anonymously with whatever the view decides.
# Static files are not in this list: the project serves none through its URLconf.
PUBLIC = {
    "login": {"GET", "POST"},
    "password_reset": {"GET", "POST"},
    "password_reset_done": {"GET", "POST"},
    "password_reset_confirm": {"GET", "POST"},
    "password_reset_complete": {"GET", "POST"},
    # The load balancer's probe: a fixed body, no data, no database.
    "health": {"GET"},
    "admin:login": {"GET", "POST"},
    # Exchanges a password for a token, so it authenticates by itself; GET must be refused.
    "token-issue": {"POST"},
    # A calendar app fetches a feed with the secret in the path (itsm.feeds); an unknown
    # or revoked secret is a 404.
    "feed": {"GET"},
    # The public status page (issue 13): read-only pages, and the subscription form and
    # its signed links, which need no account.
    "statuspage:page": {"GET"},
    "statuspage:history": {"GET"},
    "statuspage:summary": {"GET"},
    "statuspage:feed": {"GET"},
    "statuspage:subscribe": {"GET", "POST"},
    "statuspage:confirm": {"GET", "POST"},
    "statuspage:unsubscribe": {"GET", "POST"},
    # Its API twins (/api/v1/status/): the summary, and subscribing with its signed tokens.
    "status-summary": {"GET"},
    "statussubscription-list": {"POST"},
    "statussubscription-confirm": {"POST"},
    "statussubscription-unsubscribe": {"POST"},
}
LOGIN_PATHS = {"/accounts/login/", "/admin/login/"}
REFUSED = {401, 403, 404, 405}
REDIRECTS = {301, 302, 303, 307, 308}
ROUTES = list(walk())


def is_login_redirect(response) -> bool:
    return response.status_code in REDIRECTS and urlparse(response["Location"]).path in LOGIN_PATHS


def refusal_problem(client: Client, response, hops: int = 3) -> str | None:
    """None if ``response`` refuses an anonymous caller, else what is wrong with it."""
    if response.status_code in REFUSED or is_login_redirect(response):
        return None
    if response.status_code in REDIRECTS and hops:
        # A redirect within the site (/ -> /portal/) is fine if where it leads is refused.
        target = urlparse(response["Location"])
        if not target.netloc:
            return refusal_problem(client, client.get(target.path), hops - 1)
    return f"answered {response.status_code} {response.get('Location', '')}".strip()


def test_walk_found_the_known_routes():
    names = {route.name for route in ROUTES}

    assert {"portal:home", "admin:index", "team-list", "api-schema", "api-docs"} <= names
    assert set(PUBLIC) <= names, f"stale public entries: {set(PUBLIC) - names}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.pattern)
def test_anonymous_is_refused(route):
    assert route.path, f"no sample path reaches {route.pattern}; teach build_path its syntax"
    client = Client()
    problems = []
    for method in ["GET", "POST"]:
        response = getattr(client, method.lower())(route.path)
        assert response.status_code < 500, f"{method} {route.path} -> {response.status_code}"
        if method in PUBLIC.get(route.name, set()):
            continue
        problem = refusal_problem(client, response)
        if problem:
            problems.append(f"{method} {route.path} {problem}")

    assert not problems, problems
