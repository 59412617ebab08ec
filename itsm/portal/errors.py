"""Error pages that never show debug detail.

Requests under /api/ get the API's JSON error shape instead, so an integration that
calls a wrong address reads a ``code`` rather than an HTML page.
"""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

API_PREFIX = "/api/"


def _api_error(code: str, detail: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


def permission_denied(request, exception=None):
    if request.path_info.startswith(API_PREFIX):
        return _api_error("permission_denied", "You do not have permission to do this.", 403)
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    if request.path_info.startswith(API_PREFIX):
        return _api_error("not_found", "Not found.", 404)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    if request.path_info.startswith(API_PREFIX):
        return _api_error("server_error", "Something went wrong. Please try again.", 500)
    # No request context: the database or a context processor may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
