"""SECURITY.md T10: anonymous requests to every route are refused or sent to a login page.

The routes come from walking the URL resolver, so a route added later is checked without
editing this file. Only the explicit public allowlist below may answer anonymously.
"""

import itertools
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, converters, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

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
}
LOGIN_PATHS = {"/accounts/login/", "/admin/login/"}
REFUSED = {401, 403, 404, 405}
REDIRECTS = {301, 302, 303, 307, 308}
SAMPLE_BY_CONVERTER = {
    converters.IntConverter: "1",
    converters.UUIDConverter: str(uuid.uuid4()),
    converters.SlugConverter: "x",
    converters.StringConverter: "x",
    converters.PathConverter: "1",
}
FALLBACK_SAMPLES = ["1", "x", str(uuid.uuid4())]
SUFFIX_SAMPLES = [".json", ".json/"]


@dataclass(frozen=True)
class Route:
    """One URL pattern and a concrete path built to reach it (None if none could be)."""

    pattern: str
    name: str
    path: str | None


def group_choices(regex: str, name: str) -> list[str]:
    """Literal alternatives of a named group such as ``(?P<app_label>auth|itsm)``."""
    found = re.search(rf"\(\?P<{re.escape(name)}>([\w|-]+)\)", regex)
    return found.group(1).split("|") if found else []


def samples_for(level, name: str) -> list[str]:
    converter = getattr(level.pattern, "converters", {}).get(name)
    if type(converter) in SAMPLE_BY_CONVERTER:
        return [SAMPLE_BY_CONVERTER[type(converter)]]
    if converter is not None:
        # A converter some library registered (DRF's format suffix): whatever fits it.
        return [s for s in SUFFIX_SAMPLES + FALLBACK_SAMPLES if re.fullmatch(converter.regex, s)]
    first = ["json"] if name == "format" else []
    return first + group_choices(level.pattern.regex.pattern, name) + FALLBACK_SAMPLES


def build_path(levels: list, leaf: URLPattern) -> str | None:
    """A path that the resolver maps to ``leaf``'s view, trying sample values in turn."""
    slots = []
    for level in levels:
        template, params = normalize(level.pattern.regex.pattern)[0]
        slots.append((template, [[(p, s) for s in samples_for(level, p)] for p in params]))
    per_level = [
        [template % dict(combo) for combo in itertools.product(*choices)]
        for template, choices in slots
    ]
    for pieces in itertools.product(*per_level):
        path = "/" + "".join(pieces)
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.func == leaf.callback:
            return path
    return None


def walk(patterns, levels=(), namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, (*levels, entry), inner)
        elif isinstance(entry, URLPattern):
            chain = [*levels, entry]
            name = f"{namespace}{entry.name}" if entry.name else ""
            pattern = "".join(str(level.pattern) for level in chain)
            yield Route(pattern, name, build_path(chain, entry))


ROUTES = list(walk(get_resolver().url_patterns))


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
