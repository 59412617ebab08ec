"""The change record, its comments and attachments, standard change templates (versioned)
and freeze windows."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from changes.choices import (
    OPEN_STATUSES,
    ChangeType,
    ClosureCode,
    Risk,
    Status,
    VersionStatus,
)
from itsm.audit import audit_history
from itsm.records import AttachmentBase, CommentBase
from itsm.validators import validate_single_line

User = settings.AUTH_USER_MODEL

LIST_ORDER = ("-created_at", "-id")


class StandardChangeTemplate(models.Model):
    """A pre-approved kind of change; what it contains lives in its versions."""

    name = models.CharField(max_length=120, unique=True, validators=[validate_single_line])
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = audit_history()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def current_version(self):
        """The newest approved version (the one new changes use), or None."""
        return self.versions.filter(status=VersionStatus.APPROVED).order_by("-number").first()


class TemplateVersion(models.Model):
    """One version of a template's plans, risk and allowed items. Only approved versions
    can be used; a change records the version it came from."""

    template = models.ForeignKey(
        StandardChangeTemplate, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    implementation_plan = models.TextField()
    backout_plan = models.TextField()
    test_plan = models.TextField(blank=True)
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.LOW)
    services = models.ManyToManyField("itsm.Service", blank=True, related_name="+")
    configuration_items = models.ManyToManyField(
        "itsm.ConfigurationItem", blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=VersionStatus.choices, default=VersionStatus.AWAITING_APPROVAL
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = audit_history(m2m_fields=[services, configuration_items])

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_number")
        ]

    def __str__(self):
        return f"{self.template} v{self.number}"

    @property
    def number_label(self) -> str:
        return f"{self.template.name} v{self.number}"


class FreezeWindow(models.Model):
    """A period in which normal and standard changes cannot be scheduled, for every
    service (none listed) or the listed ones. Emergency changes may, with the override
    recorded."""

    name = models.CharField(max_length=120, validators=[validate_single_line])
    reason = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    services = models.ManyToManyField("itsm.Service", blank=True, related_name="+")
    is_active = models.BooleanField(default=True)
    history = audit_history(m2m_fields=[services])

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="freeze_window_order"
            )
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="freeze_window_span")]

    def __str__(self):
        return f"{self.name} ({self.starts_at:%Y-%m-%d} to {self.ends_at:%Y-%m-%d})"


class Change(models.Model):
    """A planned change to services or configuration items.

    ``status`` changes only through ``changes.services.change_transition`` (one table for
    the standard, normal and emergency paths, keyed by ``change_type``). The risk level is
    computed from the questionnaire (``risk_answers``), with its score and rule stored;
    an override keeps the computed level and records its reason.
    """

    number = models.CharField(max_length=16, unique=True, editable=False)
    change_type = models.CharField(
        "type", max_length=10, choices=ChangeType.choices, default=ChangeType.NORMAL
    )
    title = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(blank=True)
    justification = models.TextField(blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    change_manager = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    implementation_group = models.ForeignKey(
        "itsm.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    implementer = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    category = models.ForeignKey(
        "itsm.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    services = models.ManyToManyField("itsm.Service", blank=True, related_name="changes")
    configuration_items = models.ManyToManyField(
        "itsm.ConfigurationItem", blank=True, related_name="changes"
    )
    template_version = models.ForeignKey(
        TemplateVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )

    risk_answers = models.JSONField(default=dict, blank=True)
    risk_score = models.PositiveSmallIntegerField(default=0)
    risk_rule = models.CharField(max_length=200, blank=True)
    computed_risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.LOW)
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.LOW)
    risk_override_reason = models.TextField(blank=True)

    implementation_plan = models.TextField(blank=True)
    backout_plan = models.TextField(blank=True)
    test_plan = models.TextField(blank=True)
    planned_start = models.DateTimeField(null=True, blank=True)
    planned_end = models.DateTimeField(null=True, blank=True)
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_end = models.DateTimeField(null=True, blank=True)
    outage_expected = models.BooleanField(default=False)
    problem = models.ForeignKey(
        "problems.Problem", on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )

    conflicts = models.JSONField(
        default=list, blank=True, help_text="Collisions found when the change was scheduled."
    )
    conflict_acknowledgement = models.TextField(blank=True)
    freeze_override_reason = models.TextField(blank=True)
    emergency_justification = models.TextField(
        blank=True, help_text="Why it was implemented before an approver answered."
    )
    retrospective_due_at = models.DateTimeField(null=True, blank=True)
    retrospective_approved_at = models.DateTimeField(null=True, blank=True)

    closure_code = models.CharField(max_length=24, choices=ClosureCode.choices, blank=True)
    review_notes = models.TextField("post-implementation review", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(
        max_length=24, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    watchers = models.ManyToManyField(User, blank=True, related_name="watched_changes")
    version = models.PositiveIntegerField(default=1, editable=False)
    history = audit_history(m2m_fields=[watchers, services, configuration_items])

    class Meta:
        ordering = list(LIST_ORDER)
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="change_recent"),
            models.Index(fields=["status", "-created_at", "-id"], name="change_status_recent"),
            models.Index(fields=["planned_start", "planned_end"], name="change_window"),
            models.Index(fields=["implementer", "planned_start"], name="change_implementer"),
            models.Index(
                fields=["retrospective_due_at"],
                condition=models.Q(
                    retrospective_due_at__isnull=False, retrospective_approved_at__isnull=True
                ),
                name="change_retrospective_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__isnull=True)
                | models.Q(planned_start__isnull=True)
                | models.Q(planned_end__gt=models.F("planned_start")),
                name="change_window_order",
            ),
            models.CheckConstraint(
                condition=models.Q(risk=models.F("computed_risk"))
                | ~models.Q(risk_override_reason=""),
                name="change_risk_override_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("admin:changes_change_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in (Status.CLOSED, Status.CANCELLED, Status.REJECTED)


class ChangeComment(CommentBase):
    """A comment or work note on a change."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="comments")

    def __str__(self):
        return f"{self.get_visibility_display()} on {self.change_id}"


class ChangeAttachment(AttachmentBase):
    """A file attached to a change."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="attachments")
