"""The problem record (the cause of incidents), its comments, attachments and deflections."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from itsm.audit import audit_history
from itsm.choices import Level, Priority
from itsm.records import AttachmentBase, CommentBase
from itsm.validators import validate_single_line
from problems.choices import (
    OPEN_STATUSES,
    Origin,
    ResolutionCode,
    RootCauseCategory,
    Status,
)

User = settings.AUTH_USER_MODEL

# The order of every problem list (admin, API): newest first, the id breaking ties.
LIST_ORDER = ("-created_at", "-id")


class Problem(models.Model):
    """The underlying cause of one or more incidents.

    Linked incidents point here through ``Incident.problem``. ``status`` changes only
    through ``problems.services.problem_transition``; ``version`` is bumped on every save.
    A problem whose workaround is published is a known error employees can find.
    """

    number = models.CharField(max_length=16, unique=True, editable=False)
    title = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(blank=True)
    reported_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="reported_problems"
    )
    reported_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.REACTIVE)

    category = models.ForeignKey(
        "itsm.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "itsm.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="problems"
    )
    configuration_items = models.ManyToManyField(
        "itsm.ConfigurationItem", blank=True, related_name="problems"
    )
    impact = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    urgency = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.P3)

    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NEW, editable=False
    )
    assignment_group = models.ForeignKey(
        "itsm.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        db_index=False,
    )
    assignee = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_problems",
        db_index=False,
    )
    watchers = models.ManyToManyField(User, blank=True, related_name="watched_problems")

    root_cause = models.TextField("root cause statement", blank=True)
    root_cause_category = models.CharField(
        max_length=20, choices=RootCauseCategory.choices, blank=True
    )
    contributing_factors = models.TextField(blank=True)
    five_whys = models.TextField(blank=True, help_text="One answer per line.")
    workaround = models.TextField(blank=True, help_text="Markdown.")
    workaround_published = models.BooleanField(
        default=False, help_text="Employees can find the workaround in the known-error database."
    )
    is_known_error = models.BooleanField(default=False)
    known_error_at = models.DateTimeField(null=True, blank=True)

    fix_description = models.TextField(blank=True)
    resolution_code = models.CharField(max_length=20, choices=ResolutionCode.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_count = models.PositiveIntegerField(default=0)

    version = models.PositiveIntegerField(default=1, editable=False)
    history = audit_history(m2m_fields=[watchers, configuration_items])

    class Meta:
        ordering = list(LIST_ORDER)
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="problem_recent"),
            models.Index(fields=["status", "-created_at", "-id"], name="problem_status_recent"),
            models.Index(
                fields=["assignment_group", "-created_at", "-id"], name="problem_group_recent"
            ),
            models.Index(fields=["assignee", "-created_at", "-id"], name="problem_assignee_recent"),
            models.Index(
                fields=["-created_at", "-id"],
                condition=models.Q(is_known_error=True),
                name="problem_known_error_recent",
            ),
            # The known-error database: what employees search.
            models.Index(
                fields=["service", "-known_error_at"],
                condition=models.Q(workaround_published=True),
                name="problem_published_kedb",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=5), name="problem_priority_range"
            ),
            models.CheckConstraint(
                condition=models.Q(workaround_published=False) | ~models.Q(workaround=""),
                name="problem_published_has_workaround",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("admin:problems_problem_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        """Closed or cancelled: nothing more is added to it."""
        return self.status in (Status.CLOSED, Status.CANCELLED)


class ProblemComment(CommentBase):
    """A comment or internal work note on a problem (staff only read either)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="comments")

    def __str__(self):
        return f"{self.get_visibility_display()} on {self.problem_id}"


class ProblemAttachment(AttachmentBase):
    """A file attached to a problem."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="attachments")


class Deflection(models.Model):
    """An employee found a known error's workaround while reporting and logged no incident.

    Counted per known error for the dashboards; ``title`` is what the employee typed.
    """

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="deflections")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    service = models.ForeignKey(
        "itsm.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = audit_history()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["problem", "-created_at"], name="deflection_problem")]

    def __str__(self):
        return f"Deflection to {self.problem_id} at {self.created_at:%Y-%m-%d %H:%M}"
