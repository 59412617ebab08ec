"""Postmortem enumerations. Values are stable lowercase codes; labels are for people."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class Detection(models.TextChoices):
    MONITORING = "monitoring", _("Monitoring or an alert")
    CUSTOMER = "customer", _("A customer or employee reported it")
    STAFF = "staff", _("IT staff noticed it")
    CHANGE = "change", _("During or after a change")
    OTHER = "other", _("Other")


class EntryKind(models.TextChoices):
    """Where a timeline entry came from (``note`` for one a person added)."""

    HISTORY = "history", _("Incident history")
    COMMENT = "comment", _("Comment or work note")
    SLA = "sla", _("SLA event")
    NOTE = "note", _("Added by hand")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
