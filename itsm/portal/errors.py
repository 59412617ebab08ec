"""Error pages that never show debug detail.

Requests under /api/ get the API's JSON error shape instead, so an integration that
calls a wrong address reads a ``code`` rather than an HTML page.
"""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_response(request, status: int, code: str, detail: str):
    """JSON ``{"code", "detail"}`` under /api/, else the portal's page for ``status``."""
    if is_api(request):
        return JsonResponse({"code": code, "detail": detail}, status=status)
    return render(request, f"errors/{status}.html", {"detail": detail}, status=status)


def bad_request(request, exception=None):
    return error_response(request, 400, "bad_request", "The request could not be understood.")


def permission_denied(request, exception=None):
    return error_response(
        request, 403, "permission_denied", "You do not have permission to do this."
    )


def page_not_found(request, exception=None):
    return error_response(request, 404, "not_found", "Not found.")


def server_error(request):
    if is_api(request):
        return JsonResponse(
            {"code": "server_error", "detail": "Something went wrong. Please try again."},
            status=500,
        )
    # No request context: the database or a context processor may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
