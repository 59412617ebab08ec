"""Monitoring integrations, the inbox of raw deliveries, alert events and maintenance windows."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from alerts.choices import EventStatus, InboxState, Kind
from itsm.audit import audit_history
from itsm.choices import Level


class Integration(models.Model):
    """One monitoring sender, with its endpoint ``/api/v1/integrations/<slug>/alerts/``."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(default=True)
    service = models.ForeignKey(
        "itsm.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    configuration_item = models.ForeignKey(
        "itsm.ConfigurationItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assignment_group = models.ForeignKey(
        "itsm.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    impact = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    urgency = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    urgency_map = models.JSONField(
        default=dict,
        blank=True,
        help_text='Label to urgency, e.g. {"severity=critical": "high"}; the first match wins.',
    )
    grouping_template = models.CharField(
        max_length=200,
        blank=True,
        help_text="Empty: the sender's fingerprint. Otherwise a template over labels, "
        "e.g. {alertname}/{instance}.",
    )
    field_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text="Generic JSON only: dotted paths of alerts, key, status, title, "
        "description, labels; resolved_values lists the statuses that mean resolved.",
    )
    secret = models.CharField(
        max_length=200,
        help_text="Bearer token or basic-auth password (Alertmanager, generic), "
        "HMAC key (Grafana), client secret (Sentry).",
    )
    basic_username = models.CharField(
        max_length=100, blank=True, help_text="Alertmanager basic auth: the user name expected."
    )
    timestamp_header = models.CharField(
        max_length=60,
        blank=True,
        help_text="Grafana: the timestamp header signed with the body (timestamp:body).",
    )
    max_age_seconds = models.PositiveIntegerField(
        default=300, help_text="Grafana and Sentry: how old a signed timestamp may be."
    )
    resolve_incident = models.BooleanField(
        default=True, help_text="A resolved alert resolves its incident."
    )
    history = audit_history()

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["kind", "name", "id"], name="alert_integration_kind")]

    def __str__(self):
        return self.name

    def clean(self):
        mapping = self.urgency_map
        if not isinstance(mapping, dict) or any(
            "=" not in str(rule) or urgency not in Level.values for rule, urgency in mapping.items()
        ):
            raise ValidationError(
                {"urgency_map": f"Map label=value to one of {', '.join(Level.values)}."}
            )
        if not isinstance(self.field_mapping, dict):
            raise ValidationError({"field_mapping": "Give an object of dotted paths."})

    def endpoint_path(self) -> str:
        return reverse("alert-ingest", kwargs={"slug": self.slug})


class AlertInbox(models.Model):
    """One delivery as it arrived, stored before the answer; processed by a task."""

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=InboxState.choices, default=InboxState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = "alert inbox row"
        verbose_name_plural = "alert inbox"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="alert_inbox_recent"),
            models.Index(fields=["state", "-received_at", "-id"], name="alert_inbox_state"),
        ]

    def __str__(self):
        return f"{self.integration_id}#{self.pk} ({self.state})"


class AlertEvent(models.Model):
    """One alert (integration, grouping key) and the incident it opened.

    ``current`` marks the row that collects new deliveries of its key; a firing alert after
    its incident was finished opens a new row (and incident) pointing at this one.
    """

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="+")
    grouping_key = models.CharField(max_length=255)
    current = models.BooleanField(default=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alert_events",
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The earlier event of the same key whose incident this one follows.",
    )
    status = models.CharField(
        max_length=10, choices=EventStatus.choices, default=EventStatus.FIRING
    )
    title = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    latest_payload = models.JSONField(default=dict, blank=True)
    last_inbox_id = models.BigIntegerField(
        default=0, help_text="The newest delivery applied: replays of it change nothing."
    )
    last_alert_index = models.PositiveIntegerField(
        default=0, help_text="The position of the applied alert in that delivery."
    )
    suppressed = models.BooleanField(
        default=False, help_text="Received in a maintenance window: no incident."
    )
    state_changes = models.JSONField(
        default=list, blank=True, help_text="When the status changed, within the flap window."
    )
    flapping = models.BooleanField(default=False)
    flapping_since = models.DateTimeField(null=True, blank=True)
    held = models.BooleanField(
        default=False, help_text="A status change held back while flapping, not yet applied."
    )
    history = audit_history()

    class Meta:
        ordering = ["-last_seen", "-id"]
        indexes = [
            models.Index(fields=["-last_seen", "-id"], name="alert_event_recent"),
            models.Index(fields=["status", "-last_seen", "-id"], name="alert_event_status"),
            models.Index(
                fields=["integration", "-last_seen", "-id"], name="alert_event_integration"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "grouping_key"],
                condition=models.Q(current=True),
                name="alert_event_one_current_per_key",
            )
        ]

    def __str__(self):
        return f"{self.title or self.grouping_key} ({self.status})"


class MaintenanceWindow(models.Model):
    """A period in which alerts for a CI or a service are recorded but open no incident."""

    configuration_item = models.ForeignKey(
        "itsm.ConfigurationItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    service = models.ForeignKey(
        "itsm.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200)
    history = audit_history()

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [
            models.Index(fields=["configuration_item", "end"], name="alert_maint_ci"),
            models.Index(fields=["service", "end"], name="alert_maint_service"),
            models.Index(fields=["-start", "-id"], name="alert_maint_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="alert_maint_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(configuration_item__isnull=False)
                | models.Q(service__isnull=False),
                name="alert_maint_has_target",
            ),
        ]

    def __str__(self):
        return f"{self.reason} ({self.start:%Y-%m-%d %H:%M} - {self.end:%Y-%m-%d %H:%M})"
