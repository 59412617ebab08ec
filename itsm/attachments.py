"""Attachment validation and the only way attachments leave the server."""

import os
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse


def clean_filename(name: str) -> str:
    """The user's file name without paths, control characters or quotes, for display."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"')
    return name.strip().lstrip(".")[:200] or "attachment"


def validate_upload(upload) -> str:
    """Check size and extension; return the cleaned file name or raise ValidationError."""
    name = clean_filename(upload.name or "")
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    allowed = settings.ATTACHMENT_ALLOWED_EXTENSIONS
    if ext not in allowed:
        raise ValidationError(
            f"Files of type '.{ext or '?'}' are not accepted. Allowed: {', '.join(allowed)}.",
            code="attachment_type",
        )
    if upload.size == 0:
        raise ValidationError("The file is empty.", code="attachment_empty")
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError(
            f"The file is larger than the {limit} MB limit.", code="attachment_too_large"
        )
    return name


def download_response(attachment) -> FileResponse:
    """Send an attachment as a download that browsers will not render or sniff."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
