"""Alert enumerations. Values are stable lowercase codes; labels are for people."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ALERTMANAGER = "alertmanager", _("Prometheus Alertmanager webhook (version 4)")
    GRAFANA = "grafana", _("Grafana alerting webhook (version 1)")
    SENTRY = "sentry", _("Sentry metric alerts")
    GENERIC = "generic", _("Generic JSON with a field mapping")


class InboxState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Processed")
    FAILED = "failed", _("Failed")


class EventStatus(models.TextChoices):
    FIRING = "firing", _("Firing")
    CLEARED = "cleared", _("Cleared")
