"""Approval policies and the decisions taken under them, for any record type.

A policy is data an administrator edits: steps in sequence, each "any one of a group",
"N of a group" or "this person". A record that needs approval gets an
:class:`ApprovalTrack` (the policy it runs under and the step it waits on); every
decision is an :class:`Approval` row naming the approver, the step, the version of the
record they saw and their comment. Editing a record's scope voids its live track and the
decisions given under it (kept, marked void, for the history).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from itsm.audit import audit_history


class ApprovalPolicy(models.Model):
    """Who must approve a record of one type, chosen by a key such as its risk level."""

    record_type = models.CharField(
        max_length=100, help_text="The record model, as app_label.model_name."
    )
    key = models.SlugField(
        max_length=40, help_text="What selects this policy for a record (e.g. its risk: high)."
    )
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    history = audit_history()

    class Meta:
        verbose_name_plural = "approval policies"
        ordering = ["record_type", "key"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "key"], name="approval_policy_key"),
        ]

    def __str__(self):
        return self.name


class ApprovalStep(models.Model):
    """One step of a policy; steps run in ``order`` and each must reach its quorum."""

    class Kind(models.TextChoices):
        ANY_ONE = "any_one", "Any one of a group"
        N_OF = "n_of", "N members of a group"
        PERSON = "person", "This person"
        MANAGER = "manager", "The subject's line manager"

    policy = models.ForeignKey(ApprovalPolicy, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    group = models.ForeignKey("itsm.Team", on_delete=models.PROTECT, null=True, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    required = models.PositiveSmallIntegerField(
        default=1, help_text="How many approvals the step needs (N of a group)."
    )
    history = audit_history()

    class Meta:
        ordering = ["policy", "order"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "order"], name="approval_step_order"),
            models.CheckConstraint(
                condition=Q(kind="person", person__isnull=False, group__isnull=True, required=1)
                | Q(kind="any_one", group__isnull=False, person__isnull=True, required=1)
                | Q(kind="n_of", group__isnull=False, person__isnull=True, required__gte=1)
                | Q(kind="manager", group__isnull=True, person__isnull=True, required=1),
                name="approval_step_shape",
            ),
        ]

    def __str__(self):
        return f"{self.policy}: step {self.order} ({self.describe()})"

    def describe(self) -> str:
        if self.kind == self.Kind.PERSON:
            return str(self.person)
        if self.kind == self.Kind.MANAGER:
            return "the line manager"
        if self.kind == self.Kind.N_OF:
            return f"{self.required} of {self.group}"
        return f"any one of {self.group}"

    def clean(self):
        if self.kind == self.Kind.PERSON:
            if not self.person_id or self.group_id:
                raise ValidationError("A 'this person' step names a person and no group.")
            self.required = 1
        elif self.kind == self.Kind.MANAGER:
            if self.person_id or self.group_id:
                raise ValidationError("A line-manager step names neither a person nor a group.")
            self.required = 1
        else:
            if not self.group_id or self.person_id:
                raise ValidationError("A group step names a group and no person.")
            if self.kind == self.Kind.ANY_ONE:
                self.required = 1


class ApprovalTrack(models.Model):
    """One record's run through a policy: the step it waits on and how it ended."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        VOID = "void", "Void"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    policy = models.ForeignKey(ApprovalPolicy, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(
        ApprovalStep, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person whose line manager a manager step waits for.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    step_opened_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=500, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(state="pending"),
                name="approval_track_one_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-started_at"]),
            models.Index(
                fields=["step", "step_opened_at"],
                condition=Q(state="pending"),
                name="approval_track_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.policy} ({self.get_state_display()})"


class Approval(models.Model):
    """One approver's decision on one step of a track."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    track = models.ForeignKey(ApprovalTrack, on_delete=models.CASCADE, related_name="approvals")
    step = models.ForeignKey(ApprovalStep, on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approvals"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    record_version = models.PositiveIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["track", "step", "approver"], name="approval_one_per_approver_and_step"
            ),
        ]
        indexes = [models.Index(fields=["approver", "-decided_at"])]

    def __str__(self):
        return f"{self.approver}: {self.get_decision_display()}"
