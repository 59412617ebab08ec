"""Incident enumerations. Values are stable lowercase codes; labels are for people."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = [Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD]


class HoldReason(models.TextChoices):
    AWAITING_CALLER = "awaiting_caller", _("Awaiting caller")
    AWAITING_VENDOR = "awaiting_vendor", _("Awaiting vendor")
    AWAITING_CHANGE = "awaiting_change", _("Awaiting change")
    AWAITING_PROBLEM = "awaiting_problem", _("Awaiting problem")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Self-service portal")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")
    MONITORING = "monitoring", _("Monitoring")
    WALK_IN = "walk_in", _("Walk-in")


class ResolutionCode(models.TextChoices):
    SOLVED_PERMANENTLY = "solved_permanently", _("Solved (permanently)")
    WORKAROUND = "workaround", _("Solved (workaround)")
    NOT_REPRODUCIBLE = "not_reproducible", _("Not reproducible")
    DUPLICATE = "duplicate", _("Duplicate")
    CAUSED_BY_CHANGE = "caused_by_change", _("Caused by change")
    USER_INSTRUCTED = "user_instructed", _("User instructed")
    RESOLVED_BY_PARENT = "resolved_by_parent", _("Resolved by parent incident")
    SOLVED_BY_PROBLEM = "solved_by_problem", _("Solved by problem fix")
