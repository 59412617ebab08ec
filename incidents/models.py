"""The incident record and what hangs off it: comments, attachments, SLA pauses and events."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from incidents.choices import (
    OPEN_STATUSES,
    Channel,
    HoldReason,
    ResolutionCode,
    Status,
)
from itsm.audit import audit_history
from itsm.choices import Level, Priority, Tier
from itsm.records import AttachmentBase, CommentBase
from itsm.sla.models import SlaEventBase, SlaPauseBase, event_once, one_open_pause
from itsm.validators import validate_single_line

User = settings.AUTH_USER_MODEL

# The order of every incident list (admin, API, portal): newest first, the id breaking
# ties so that pages are stable. The list indexes in Incident.Meta end in these columns.
LIST_ORDER = ("-created_at", "-id")


class Incident(models.Model):
    """An unplanned interruption to a service, or a reduction in its quality.

    ``status`` changes only through ``incidents.services`` transitions; ``version`` is
    bumped on every save so stale edits can be refused.
    """

    number = models.CharField(max_length=16, unique=True, editable=False)
    title = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(blank=True)
    # The people and queue foreign keys get no index of their own: the list indexes in
    # Meta start with them, and an index nobody reads only slows every write.
    reporter = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="reported_incidents", db_index=False
    )
    affected_user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="affecting_incidents", db_index=False
    )
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.PORTAL)
    detected_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    category = models.ForeignKey(
        "itsm.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subcategory = models.ForeignKey(
        "itsm.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "itsm.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    configuration_item = models.ForeignKey(
        "itsm.ConfigurationItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    impact = models.CharField(max_length=10, choices=Level.choices, default=Level.LOW)
    urgency = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.P4)
    priority_overridden = models.BooleanField(default=False)
    priority_override_reason = models.TextField(blank=True)

    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.NEW, editable=False
    )
    hold_reason = models.CharField(max_length=20, choices=HoldReason.choices, blank=True)
    assignment_group = models.ForeignKey(
        "itsm.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        db_index=False,
    )
    assignee = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_incidents",
        db_index=False,
    )
    reassignment_count = models.PositiveIntegerField(default=0)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.TIER1)
    watchers = models.ManyToManyField(User, blank=True, related_name="watched_incidents")

    resolution_code = models.CharField(max_length=20, choices=ResolutionCode.choices, blank=True)
    resolution_notes = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_count = models.PositiveIntegerField(default=0)

    is_major = models.BooleanField(default=False)
    commander = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    communications_lead = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    problem = models.ForeignKey(
        "problems.Problem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        help_text="The problem (root cause) this incident is an occurrence of.",
    )
    caused_by_change = models.ForeignKey(
        "changes.Change",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caused_incidents",
        help_text="The change that caused this incident.",
    )

    sla_policy = models.ForeignKey(
        "itsm.SlaPolicy", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sla_next_check_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When the SLA job next has a threshold to record; empty while paused.",
    )

    version = models.PositiveIntegerField(default=1, editable=False)
    history = audit_history(m2m_fields=[watchers])

    class Meta:
        # Each list index ends in the LIST_ORDER columns, so a list filtered on its
        # leading column is read in order from the index instead of sorted.
        ordering = list(LIST_ORDER)
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="incident_recent"),
            models.Index(fields=["status", "-created_at", "-id"], name="incident_status_recent"),
            models.Index(
                fields=["assignment_group", "-created_at", "-id"], name="incident_group_recent"
            ),
            models.Index(
                fields=["assignee", "-created_at", "-id"], name="incident_assignee_recent"
            ),
            models.Index(
                fields=["reporter", "-created_at", "-id"], name="incident_reporter_recent"
            ),
            models.Index(
                fields=["affected_user", "-created_at", "-id"], name="incident_affected_recent"
            ),
            # Open work is a fraction of the table and what the queues (unassigned,
            # breached) look at. The trailing status serves a one-status queue too: the
            # planner prefers this index for "status = in progress" (it is smaller and in
            # date order), and with status in it the rows of other statuses are skipped
            # in the index, not fetched from the table (at 1M: 1.4 ms instead of 7-16).
            models.Index(
                fields=["-created_at", "-id", "status"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="incident_open_recent",
            ),
            # The desk's "unassigned" queue: without it PostgreSQL ORs three bitmap scans
            # of the open rows and sorts them all.
            models.Index(
                fields=["-created_at", "-id"],
                condition=models.Q(status__in=OPEN_STATUSES, assignee__isnull=True),
                name="incident_unassigned_recent",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=5), name="incident_priority_range"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="on_hold") | ~models.Q(hold_reason=""),
                name="incident_on_hold_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="incident_not_own_parent"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("incidents:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        """Closed or cancelled: nothing more is added to it."""
        return self.status in (Status.CLOSED, Status.CANCELLED)


class IncidentComment(CommentBase):
    """A public comment or internal work note on an incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="comments")

    def __str__(self):
        return f"{self.get_visibility_display()} on {self.incident_id}"


class IncidentAttachment(AttachmentBase):
    """A file attached to an incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")


class SlaPause(SlaPauseBase):
    """An interval during which the incident's SLA clocks do not count."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="sla_pauses")

    class Meta(SlaPauseBase.Meta):
        constraints = [one_open_pause("incident", name="sla_pause_one_open_per_incident")]


class SlaEvent(SlaEventBase):
    """A warning (75 %) or breach (100 %) of one incident SLA clock, recorded once."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="sla_events")

    class Meta(SlaEventBase.Meta):
        constraints = [event_once("incident", name="sla_event_once_per_clock")]
