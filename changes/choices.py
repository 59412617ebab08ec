"""Change enumerations. Values are stable lowercase codes; labels are for people."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeType(models.TextChoices):
    STANDARD = "standard", _("Standard")
    NORMAL = "normal", _("Normal")
    EMERGENCY = "emergency", _("Emergency")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ASSESSMENT = "assessment", _("Assessment")
    AUTHORISATION = "authorisation", _("Authorisation")
    EMERGENCY_AUTHORISATION = "emergency_authorisation", _("Emergency authorisation")
    SCHEDULED = "scheduled", _("Scheduled")
    IMPLEMENTING = "implementing", _("Implementing")
    REVIEW = "review", _("Review")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = [
    Status.DRAFT,
    Status.ASSESSMENT,
    Status.AUTHORISATION,
    Status.EMERGENCY_AUTHORISATION,
    Status.SCHEDULED,
    Status.IMPLEMENTING,
    Status.REVIEW,
]
FINISHED_STATUSES = [Status.CLOSED, Status.REJECTED, Status.CANCELLED]
# A scope edit in these states voids the approvals and returns the change to assessment.
SUBMITTED_STATUSES = [Status.ASSESSMENT, Status.AUTHORISATION, Status.SCHEDULED]
# States in which a change occupies its planned window (collision detection).
BOOKED_STATUSES = [
    Status.AUTHORISATION,
    Status.EMERGENCY_AUTHORISATION,
    Status.SCHEDULED,
    Status.IMPLEMENTING,
]

# States of a change that can have caused an incident: it has been started.
CAUSING_STATUSES = [Status.IMPLEMENTING, Status.REVIEW, Status.CLOSED]


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ClosureCode(models.TextChoices):
    SUCCESSFUL = "successful", _("Successful")
    SUCCESSFUL_WITH_ISSUES = "successful_with_issues", _("Successful with issues")
    FAILED = "failed", _("Failed")
    BACKED_OUT = "backed_out", _("Backed out")


# Closure codes that need review notes before closing, and that count as failures for risk.
UNSUCCESSFUL = [ClosureCode.FAILED, ClosureCode.BACKED_OUT]


class VersionStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting CAB approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
