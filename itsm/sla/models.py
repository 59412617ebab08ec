"""SLA rows every record type with clocks keeps: the clock kinds, pauses and events.

A record app makes the two abstract bases concrete with a foreign key to its record
(``related_name="sla_pauses"`` and ``"sla_events"``) and the constraints below, as it does
for comments and attachments.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from itsm.audit import audit_history


class SlaClock(models.TextChoices):
    RESPONSE = "response", _("Response")
    RESOLUTION = "resolution", _("Resolution")


class SlaEventKind(models.TextChoices):
    WARNING = "warning", _("75 % of target used")
    BREACH = "breach", _("Target breached")


# The share of the target at which each event is recorded.
THRESHOLDS = {SlaEventKind.WARNING: 0.75, SlaEventKind.BREACH: 1.0}


class SlaPauseBase(models.Model):
    """An interval during which the record's SLA clocks do not count."""

    reason = models.CharField(max_length=40, help_text="The status code that paused the clock.")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    history = audit_history(inherit=True)

    class Meta:
        abstract = True
        ordering = ["started_at"]
        verbose_name = "SLA pause"

    def __str__(self):
        return f"{self.reason} from {self.started_at:%Y-%m-%d %H:%M}"


class SlaEventBase(models.Model):
    """A warning (75 %) or breach (100 %) of one SLA clock, recorded once."""

    clock = models.CharField(max_length=10, choices=SlaClock.choices)
    kind = models.CharField(max_length=10, choices=SlaEventKind.choices)
    occurred_at = models.DateTimeField(help_text="When the threshold was crossed.")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = audit_history(inherit=True)

    class Meta:
        abstract = True
        ordering = ["occurred_at"]
        verbose_name = "SLA event"

    def __str__(self):
        return f"{self.clock} {self.kind}"


def one_open_pause(record_field: str, *, name: str) -> models.UniqueConstraint:
    """At most one open pause per record."""
    return models.UniqueConstraint(
        fields=[record_field], condition=models.Q(ended_at__isnull=True), name=name
    )


def event_once(record_field: str, *, name: str) -> models.UniqueConstraint:
    """Each threshold of each clock is recorded once per record."""
    return models.UniqueConstraint(fields=[record_field, "clock", "kind"], name=name)
