"""Status page enumerations. Values are stable lowercase codes; labels are for customers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComponentStatus(models.TextChoices):
    OPERATIONAL = "operational", _("Operational")
    UNDER_MAINTENANCE = "under_maintenance", _("Under maintenance")
    DEGRADED = "degraded_performance", _("Degraded performance")
    PARTIAL_OUTAGE = "partial_outage", _("Partial outage")
    MAJOR_OUTAGE = "major_outage", _("Major outage")


# Worse is higher: a component shows the worst status any source gives it.
SEVERITY = {status: rank for rank, status in enumerate(ComponentStatus.values)}
# Time in these counts as down in the uptime figures.
DOWN_STATUSES = (ComponentStatus.PARTIAL_OUTAGE, ComponentStatus.MAJOR_OUTAGE)


class Impact(models.TextChoices):
    """What a status incident does to the components it names."""

    DEGRADED = ComponentStatus.DEGRADED.value, _("Degraded performance")
    PARTIAL_OUTAGE = ComponentStatus.PARTIAL_OUTAGE.value, _("Partial outage")
    MAJOR_OUTAGE = ComponentStatus.MAJOR_OUTAGE.value, _("Major outage")


class UpdateState(models.TextChoices):
    INVESTIGATING = "investigating", _("Investigating")
    IDENTIFIED = "identified", _("Identified")
    MONITORING = "monitoring", _("Monitoring")
    RESOLVED = "resolved", _("Resolved")


class MaintenanceState(models.TextChoices):
    UPCOMING = "upcoming", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
