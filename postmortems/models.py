"""The postmortem of a major incident, its timeline and its action items."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse

from itsm.audit import audit_history
from itsm.validators import validate_single_line
from postmortems.choices import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    Detection,
    EntryKind,
    Status,
)

User = settings.AUTH_USER_MODEL

LIST_ORDER = ("-created_at", "-id")


class Postmortem(models.Model):
    """What we learnt from one major incident (one postmortem per incident).

    ``status`` changes only through ``postmortems.services.postmortem_transition``;
    content is edited only in draft, and a published postmortem is read-only except for
    its action items' progress. ``owner`` is the incident commander.
    """

    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.PROTECT, related_name="postmortem"
    )
    title = models.CharField(max_length=200, validators=[validate_single_line])
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="owned_postmortems",
        help_text="The incident commander, who writes it and answers for it.",
    )
    summary = models.TextField(blank=True)

    impact_started_at = models.DateTimeField(null=True, blank=True)
    impact_ended_at = models.DateTimeField(null=True, blank=True)
    users_affected = models.PositiveIntegerField(null=True, blank=True)
    impact_description = models.TextField("customer impact", blank=True)
    services_affected = models.ManyToManyField(
        "itsm.Service", blank=True, related_name="postmortems"
    )

    root_cause = models.TextField(blank=True)
    contributing_factors = models.TextField(blank=True)
    problem = models.ForeignKey(
        "problems.Problem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="postmortems",
        help_text="The problem record of the root cause, when there is one.",
    )
    detection = models.CharField(max_length=12, choices=Detection.choices, blank=True)
    detection_notes = models.TextField(blank=True)

    went_well = models.TextField("what went well", blank=True)
    went_badly = models.TextField("what went badly", blank=True)
    got_lucky = models.TextField("where we got lucky", blank=True)

    due_at = models.DateTimeField(
        null=True, blank=True, help_text="When it should be published (from the resolution)."
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = audit_history(m2m_fields=[services_affected])

    class Meta:
        ordering = list(LIST_ORDER)
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="postmortem_recent"),
            models.Index(fields=["status", "-created_at", "-id"], name="postmortem_status_recent"),
            models.Index(fields=["owner", "-created_at", "-id"], name="postmortem_owner_recent"),
            # The overdue reminder job.
            models.Index(
                fields=["due_at"],
                condition=~models.Q(status="published"),
                name="postmortem_unpublished_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(impact_ended_at__isnull=True)
                | models.Q(impact_started_at__isnull=True)
                | models.Q(impact_ended_at__gte=models.F("impact_started_at")),
                name="postmortem_impact_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("postmortems:detail", args=[self.pk])

    @property
    def number(self) -> str:
        """The incident's number, which names its postmortem in messages."""
        return f"PM-{self.incident.number}"

    @property
    def is_finished(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def impact_duration(self):
        if self.impact_started_at and self.impact_ended_at:
            return self.impact_ended_at - self.impact_started_at
        return None

    @property
    def time_to_detect(self):
        """From the start of the impact (else the incident's detection) to the report."""
        incident = self.incident
        started = self.impact_started_at or incident.detected_at
        if started is None or incident.reported_at is None:
            return None
        return max(incident.reported_at - started, timedelta(0))


class TimelineEntry(models.Model):
    """One moment of the incident, built from its records or added by hand, then edited."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=EntryKind.choices, default=EntryKind.NOTE)
    text = models.TextField()
    source = models.CharField(
        max_length=80, blank=True, help_text="The row it was built from (e.g. comment:12)."
    )
    edited = models.BooleanField(default=False)
    history = audit_history()

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "timeline entries"
        indexes = [models.Index(fields=["postmortem", "at", "id"], name="pm_timeline_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["postmortem", "source"],
                condition=~models.Q(source=""),
                name="pm_timeline_source_once",
            )
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.text[:60]}"


class ActionItem(models.Model):
    """Something to do so it does not happen again: a problem, a change or a plain task."""

    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(max_length=200, validators=[validate_single_line])
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="postmortem_actions"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    problem = models.ForeignKey(
        "problems.Problem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="postmortem_actions",
    )
    change = models.ForeignKey(
        "changes.Change",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="postmortem_actions",
    )
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = audit_history()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["postmortem", "due_date", "id"], name="pm_action_order"),
            # The past-due reminder job.
            models.Index(
                fields=["due_date"],
                condition=models.Q(status__in=OPEN_ACTION_STATUSES),
                name="pm_action_open_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(problem__isnull=True) | models.Q(change__isnull=True),
                name="pm_action_one_link",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def kind(self) -> str:
        if self.problem_id:
            return "problem"
        if self.change_id:
            return "change"
        return "task"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES
