"""The public status page: components, their status intervals, status incidents with
their updates, maintenance windows and e-mail subscribers.

Every field a customer sees is written for customers (``public_*``, ``title``,
``body``); the internal records (incidents, changes) are linked, never shown.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from itsm.audit import audit_history
from itsm.validators import validate_single_line
from statuspage.choices import ComponentStatus, Impact, MaintenanceState, UpdateState

User = settings.AUTH_USER_MODEL


class Component(models.Model):
    """A business service as customers see it on the status page."""

    service = models.OneToOneField(
        "itsm.Service", on_delete=models.PROTECT, related_name="status_component"
    )
    display_name = models.CharField(max_length=120, validators=[validate_single_line])
    group = models.CharField(
        max_length=80, blank=True, validators=[validate_single_line], help_text="Heading."
    )
    description = models.CharField(max_length=200, blank=True, help_text="Shown publicly.")
    is_public = models.BooleanField(
        default=False, help_text="Shown on the public status page (staff always see it)."
    )
    order = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=24,
        choices=ComponentStatus.choices,
        default=ComponentStatus.OPERATIONAL,
        editable=False,
    )
    manual_status = models.CharField(
        max_length=24,
        choices=ComponentStatus.choices,
        blank=True,
        editable=False,
        help_text="Set by hand by staff; replaces the derived status until cleared.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = audit_history()

    class Meta:
        ordering = ["group", "order", "display_name", "id"]
        indexes = [models.Index(fields=["is_public", "group", "order"], name="component_page")]

    def __str__(self):
        return self.display_name


class StatusInterval(models.Model):
    """One stretch of time a component spent in one status; the open one has no end."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="intervals")
    status = models.CharField(max_length=24, choices=ComponentStatus.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["component", "started_at"], name="interval_component_start"),
            models.Index(fields=["ended_at"], name="interval_end"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["component"],
                condition=models.Q(ended_at__isnull=True),
                name="interval_one_open_per_component",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="interval_order",
            ),
        ]

    def __str__(self):
        return f"{self.component_id} {self.status} from {self.started_at:%Y-%m-%d %H:%M}"


class StatusIncident(models.Model):
    """The public face of a major incident: a title and updates written for customers."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="status_incidents"
    )
    title = models.CharField(
        max_length=200, validators=[validate_single_line], help_text="Shown publicly."
    )
    impact = models.CharField(max_length=24, choices=Impact.choices, default=Impact.MAJOR_OUTAGE)
    components = models.ManyToManyField(Component, related_name="status_incidents")
    state = models.CharField(
        max_length=16,
        choices=UpdateState.choices,
        default=UpdateState.INVESTIGATING,
        editable=False,
    )
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = audit_history(m2m_fields=[components])

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["-started_at", "-id"], name="status_incident_recent"),
            models.Index(
                fields=["-started_at", "-id"],
                condition=models.Q(resolved_at__isnull=True),
                name="status_incident_active",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_active(self) -> bool:
        return self.resolved_at is None


class StatusUpdate(models.Model):
    """One message to customers about a status incident."""

    status_incident = models.ForeignKey(
        StatusIncident, on_delete=models.CASCADE, related_name="updates"
    )
    state = models.CharField(max_length=16, choices=UpdateState.choices)
    body = models.TextField(help_text="Written for customers; shown publicly and e-mailed.")
    posted_at = models.DateTimeField(default=timezone.now)
    # Internal: never rendered on a public page, in the feed or in an e-mail.
    posted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = audit_history()

    class Meta:
        ordering = ["-posted_at", "-id"]
        indexes = [
            models.Index(fields=["status_incident", "-posted_at"], name="status_update_incident"),
            models.Index(fields=["-posted_at", "-id"], name="status_update_recent"),
        ]

    def __str__(self):
        return f"{self.get_state_display()} {self.posted_at:%Y-%m-%d %H:%M}"


class Maintenance(models.Model):
    """Planned work customers are told about: from an approved change that expects an
    outage (its state drives this one's) or entered by hand (its times drive it)."""

    title = models.CharField(
        max_length=200, validators=[validate_single_line], help_text="Shown publicly."
    )
    description = models.TextField(blank=True, help_text="Shown publicly.")
    components = models.ManyToManyField(Component, related_name="maintenances")
    change = models.OneToOneField(
        "changes.Change",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_maintenance",
        editable=False,
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    state = models.CharField(
        max_length=16,
        choices=MaintenanceState.choices,
        default=MaintenanceState.UPCOMING,
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = audit_history(m2m_fields=[components])

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["state", "starts_at"], name="maintenance_state_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="maintenance_order"
            )
        ]

    def __str__(self):
        return self.title


class Subscriber(models.Model):
    """An e-mail address that hears about one component once it confirmed."""

    email = models.EmailField()
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="subscribers")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    unsubscribed_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = audit_history()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["component", "email"], name="subscriber_once")
        ]
        indexes = [
            models.Index(
                fields=["component", "id"],
                condition=models.Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
                name="subscriber_active",
            ),
            models.Index(fields=["-created_at", "-id"], name="subscriber_recent"),
        ]

    def __str__(self):
        return f"{self.email} ({self.component_id})"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
