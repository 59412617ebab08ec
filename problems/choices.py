"""Problem enumerations. Values are stable lowercase codes; labels are for people."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSESSED = "assessed", _("Assessed")
    ROOT_CAUSE_ANALYSIS = "root_cause_analysis", _("Root cause analysis")
    KNOWN_ERROR = "known_error", _("Known error")
    FIX_IN_PROGRESS = "fix_in_progress", _("Fix in progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = [
    Status.NEW,
    Status.ASSESSED,
    Status.ROOT_CAUSE_ANALYSIS,
    Status.KNOWN_ERROR,
    Status.FIX_IN_PROGRESS,
]
# A published workaround is offered to employees while the problem is in one of these.
KEDB_STATUSES = [Status.KNOWN_ERROR, Status.FIX_IN_PROGRESS, Status.RESOLVED]


class Origin(models.TextChoices):
    REACTIVE = "reactive", _("Reactive (from incidents)")
    PROACTIVE = "proactive", _("Proactive (trend analysis or monitoring)")
    MAJOR_INCIDENT = "major_incident", _("From a major incident")


class RootCauseCategory(models.TextChoices):
    SOFTWARE_DEFECT = "software_defect", _("Software defect")
    CONFIGURATION = "configuration", _("Configuration")
    CAPACITY = "capacity", _("Capacity")
    HARDWARE = "hardware", _("Hardware")
    THIRD_PARTY = "third_party", _("Third party")
    PROCESS = "process", _("Process")
    HUMAN_ERROR = "human_error", _("Human error")
    UNKNOWN = "unknown", _("Unknown")


class ResolutionCode(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    ACCEPTED_RISK = "accepted_risk", _("Workaround only / accepted risk")
    DUPLICATE = "duplicate", _("Duplicate")
    CANNOT_REPRODUCE = "cannot_reproduce", _("Cannot reproduce")


class LinkedIncidents(models.TextChoices):
    """What resolving a problem does with its open linked incidents."""

    LEAVE = "leave", _("Leave them to their resolvers")
    RESOLVE = "resolve", _("Resolve them with this fix")
