"""Attachment validation, storage quotas and the only way attachments leave the server.

Three limits, each with its own clear error: the size of one file
(``ATTACHMENT_MAX_BYTES``; a request past ``REQUEST_MAX_BYTES`` is refused by
``itsm.middleware`` before its body is read), the files one record may hold
(``ATTACHMENT_RECORD_QUOTA_BYTES``) and the files one person may have uploaded across all
record types (``ATTACHMENT_USER_QUOTA_BYTES``).
"""

import os
import unicodedata

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import FileResponse

from itsm.records import AttachmentBase

MAX_NAME_LENGTH = 200
# Longer "extensions" are not file types (and not allowed): such a name is simply cut.
MAX_EXTENSION_LENGTH = 16


def file_size(size: int) -> str:
    """``size`` bytes for people: "10 MB", "1.2 MB", "512 KB", "16 bytes"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{size} bytes"


def size_limit_text() -> str:
    return file_size(settings.ATTACHMENT_MAX_BYTES)


def clean_filename(name: str) -> str:
    """The user's file name without paths, control characters or quotes, for display.

    A name over ``MAX_NAME_LENGTH`` keeps its extension and loses the end of its stem, so
    a long but ordinary ``report.pdf`` is still recognised as a PDF.
    """
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"')
    name = name.strip().lstrip(".")
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        if len(ext) > MAX_EXTENSION_LENGTH:
            stem, ext = name, ""
        name = stem[: MAX_NAME_LENGTH - len(ext)].rstrip() + ext
    return name or "attachment"


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
        raise ValidationError(
            f"The file is larger than the {size_limit_text()} limit.", code="attachment_too_large"
        )
    return name


def attachment_models() -> list:
    """Every concrete attachment model, of every record type."""
    return [model for model in apps.get_models() if issubclass(model, AttachmentBase)]


def _total(queryset) -> int:
    return queryset.aggregate(total=Sum("size"))["total"] or 0


def check_storage_quota(*, record_attachments, user, size: int) -> None:
    """Refuse ``size`` more bytes if the record or the user would pass their quota.

    ``record_attachments`` is the record's attachment queryset. Call it with the record
    locked, so two uploads to one record cannot both squeeze under its quota.
    """
    record_quota = settings.ATTACHMENT_RECORD_QUOTA_BYTES
    used = _total(record_attachments)
    if used + size > record_quota:
        raise ValidationError(
            f"This record already holds {file_size(used)} of files and may hold "
            f"{file_size(record_quota)}; this file does not fit. Attach a smaller file, or ask "
            "the service desk.",
            code="attachment_record_quota",
        )
    user_quota = settings.ATTACHMENT_USER_QUOTA_BYTES
    used = sum(_total(model.objects.filter(uploaded_by=user)) for model in attachment_models())
    if used + size > user_quota:
        raise ValidationError(
            f"You have uploaded {file_size(used)} of files in all, and one person may upload "
            f"{file_size(user_quota)}; this file does not fit. Ask the service desk for help.",
            code="attachment_user_quota",
        )


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
