"""Audit helpers on top of django-simple-history."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from simple_history.models import HistoricalRecords


def audit_history(**kwargs) -> HistoricalRecords:
    """The history every model of the project carries: who, when, what and a full reason."""
    return HistoricalRecords(history_change_reason_field=models.TextField(null=True), **kwargs)


def record_change(instance, actor, reason: str) -> None:
    """Attach who and why to the next save of ``instance``; history picks both up."""
    instance._history_user = actor if getattr(actor, "pk", None) else None
    instance._change_reason = reason


def system_user():
    """The named actor for work no person started (nightly jobs, monitoring)."""
    user, _ = get_user_model().objects.get_or_create(
        username=settings.SYSTEM_USERNAME,
        defaults={"first_name": "System", "is_active": False},
    )
    return user
