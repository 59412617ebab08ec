"""Request guards and response headers that every page and API answer gets.

``RequestGuardMiddleware`` runs before anything reads the request: it refuses a body over
the size limit without reading it, and NUL characters anywhere a value can reach the
database (PostgreSQL text cannot hold them and answered 500).

``SecurityHeadersMiddleware`` wraps everything else, so its headers are on every answer,
including the guard's refusals and the error pages.
"""

import secrets

from django.conf import settings
from django.utils.cache import patch_cache_control

from itsm.attachments import size_limit_text
from itsm.portal.errors import error_response, is_api
from itsm.security_log import current_request

NUL = "\x00"
# The API authenticates this header itself and answers a malformed token with 401.
HEADERS_CHECKED_ELSEWHERE = frozenset({"HTTP_AUTHORIZATION"})


def _content_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _has_nul(request) -> bool:
    if NUL in request.path_info:
        return True
    headers = (
        value
        for name, value in request.META.items()
        if name.startswith("HTTP_") and name not in HEADERS_CHECKED_ELSEWHERE
    )
    if any(NUL in value for value in headers):
        return True
    if any(NUL in name or NUL in value for name, value in request.COOKIES.items()):
        return True
    # Only POST has a form body Django parses; the API's JSON parser checks its own.
    for query in (request.GET, request.POST):
        for name, values in query.lists():
            if NUL in name or any(NUL in value for value in values):
                return True
    return False


class SecurityLogContextMiddleware:
    """Makes the request known to ``itsm.security_log`` for as long as it is handled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _content_length(request) > settings.REQUEST_MAX_BYTES:
            # Refused from the header alone: the body is never read.
            return error_response(
                request,
                413,
                "request_too_large",
                f"The request is too large: a file may be at most {size_limit_text()}.",
            )
        if _has_nul(request):
            return error_response(
                request, 400, "nul_character", "The request contains a NUL character."
            )
        return self.get_response(request)


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            # Swagger UI draws its icons from data: URIs in its own stylesheet.
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """A Content-Security-Policy with a per-request nonce, ``Cache-Control: private,
    no-store`` for signed-in users, and a JSON 404 for every missing page under /api/
    (Django's debug 404 page is HTML)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Templates put it on the few inline <script> and <style> blocks (the admin's, the
        # API docs'); nothing without it runs.
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if response.status_code == 404 and is_api(request) and not _is_json(response):
            response = error_response(request, 404, "not_found", "Not found.")
        # A download sets its own, stricter policy.
        response.setdefault("Content-Security-Policy", content_security_policy(request.csp_nonce))
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Records must not stay in a shared or back-button cache after sign-out.
            patch_cache_control(response, private=True, no_store=True)
        return response


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")
