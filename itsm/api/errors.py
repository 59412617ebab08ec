"""Every API error is JSON with a stable ``code`` and a readable ``detail``."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from itsm.errors import Refused


def exception_handler(exc, context):
    if isinstance(exc, Refused):
        body = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = flat_errors(
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {
            "code": "invalid",
            "detail": "The request has invalid fields.",
            "errors": errors,
        }
        return response
    if isinstance(exc, Http404 | exceptions.NotFound):
        code = "not_found"
    elif isinstance(exc, DjangoPermissionDenied):
        code = "permission_denied"
    else:
        code = getattr(exc, "default_code", None) or "error"
        if isinstance(exc, exceptions.APIException):
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else code
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    response.data = {"code": code, "detail": str(detail) or status_text(response.status_code)}
    return response


def flat_errors(errors: dict, prefix: str = "") -> dict[str, list]:
    """Field -> messages, as the schema documents; the errors of a list's items or of a
    nested object are named by their path (``incident_ids.1``)."""
    flat = {}
    for key, value in errors.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flat_errors(value, f"{name}."))
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                if item:
                    flat.update(flat_errors(item, f"{name}.{index}."))
        else:
            flat[name] = value if isinstance(value, list) else [value]
    return flat


def status_text(code: int) -> str:
    return {
        status.HTTP_404_NOT_FOUND: "Not found.",
        status.HTTP_403_FORBIDDEN: "You do not have permission to do this.",
    }.get(code, "Error.")
