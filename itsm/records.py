"""Abstract bases that each record type makes concrete with a foreign key to its record."""

import os
import uuid

from django.conf import settings
from django.db import models

from itsm.audit import audit_history


class CommentBase(models.Model):
    """A public comment (the requester sees it) or an internal work note (staff only)."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public comment"
        INTERNAL = "internal", "Internal work note"

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = audit_history(inherit=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


def attachment_path(instance, filename: str) -> str:
    """A random storage name; the user's file name is kept only as data."""
    ext = os.path.splitext(filename)[1].lower()
    return f"attachments/{instance._meta.app_label}/{uuid.uuid4().hex}{ext}"


class AttachmentBase(models.Model):
    """An uploaded file, only ever served by the access-checked download view."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = audit_history(inherit=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name
