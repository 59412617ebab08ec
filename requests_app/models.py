"""The service catalogue (categories, items, their questions and task templates), the
service request with its answers, fulfilment tasks, comments, attachments and SLA rows."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from itsm.audit import audit_history
from itsm.choices import Priority
from itsm.records import AttachmentBase, CommentBase
from itsm.sla.models import SlaEventBase, SlaPauseBase, event_once, one_open_pause
from itsm.validators import validate_single_line
from requests_app.choices import (
    OPEN_STATUSES,
    ApprovalRule,
    Icon,
    QuestionKind,
    Status,
    TaskStatus,
)

User = settings.AUTH_USER_MODEL

LIST_ORDER = ("-created_at", "-id")


class CatalogCategory(models.Model):
    """A heading of the catalogue (hardware, access, people...)."""

    name = models.CharField(max_length=100, unique=True, validators=[validate_single_line])
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    history = audit_history()

    class Meta:
        verbose_name_plural = "catalogue categories"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class CatalogItem(models.Model):
    """Something employees may request, with its form (questions), who approves it and
    how it is fulfilled (task templates)."""

    category = models.ForeignKey(CatalogCategory, on_delete=models.PROTECT, related_name="items")
    name = models.CharField(max_length=120, unique=True, validators=[validate_single_line])
    short_description = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(blank=True)
    icon = models.CharField(max_length=20, choices=Icon.choices, default=Icon.BOX)
    audience = models.ManyToManyField(
        "auth.Group",
        blank=True,
        related_name="+",
        help_text="Who may request it: everyone when no group is listed.",
    )
    fulfilment_group = models.ForeignKey(
        "itsm.Team", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    delivery_days = models.PositiveSmallIntegerField(
        default=5, help_text="Expected delivery, in business days."
    )
    sla_policy = models.ForeignKey(
        "itsm.SlaPolicy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the default service request policy.",
    )
    approval = models.CharField(
        max_length=20, choices=ApprovalRule.choices, default=ApprovalRule.NONE
    )
    approver_group = models.ForeignKey(
        "itsm.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    history = audit_history(m2m_fields=[audience])

    class Meta:
        ordering = ["category__order", "order", "name"]
        indexes = [models.Index(fields=["category", "order", "name"], name="catalog_item_order")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approval__in=["none", "manager"])
                | models.Q(approver_group__isnull=False),
                name="catalog_item_group_approval_has_group",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("requests_app:item", args=[self.pk])

    @property
    def needs_approval(self) -> bool:
        return self.approval != ApprovalRule.NONE

    @property
    def policy_key(self) -> str:
        return f"item-{self.pk}"

    def clean(self):
        group_rule = self.approval in (ApprovalRule.GROUP, ApprovalRule.MANAGER_THEN_GROUP)
        if group_rule and not self.approver_group_id:
            raise ValidationError({"approver_group": "This approval rule needs an approver group."})


class Question(models.Model):
    """One question of an item's form. ``condition_question``/``condition_value``: show it
    only when that earlier question's answer is (or, for multiple choice, includes) the value."""

    item = models.ForeignKey(CatalogItem, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=40, help_text="The answer's name in the API.")
    label = models.CharField(max_length=200, validators=[validate_single_line])
    help_text = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    required = models.BooleanField(default=False)
    choices = models.JSONField(
        default=list, blank=True, help_text="The options of a choice question, a list of text."
    )
    minimum = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Number: smallest value; text: shortest length; multiple choice: fewest.",
    )
    maximum = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Number: largest value; text: longest length; multiple choice: most.",
    )
    pattern = models.CharField(
        max_length=200, blank=True, help_text="Short text: a regular expression to match."
    )
    order = models.PositiveSmallIntegerField(default=0)
    condition_question = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    condition_value = models.CharField(max_length=200, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["item", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="question_key")]

    def __str__(self):
        return f"{self.item}: {self.label}"

    def clean(self):
        from requests_app.answers import definition_errors

        errors = definition_errors(self)
        if errors:
            raise ValidationError(errors)


class TaskTemplate(models.Model):
    """A fulfilment task made for each approved request of the item. Tasks start in
    ``order``; templates with the same order run in parallel."""

    item = models.ForeignKey(CatalogItem, on_delete=models.CASCADE, related_name="task_templates")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    group = models.ForeignKey("itsm.Team", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(
        default=1, help_text="Tasks with the same order run in parallel; a later order waits."
    )
    history = audit_history()

    class Meta:
        ordering = ["item", "order", "pk"]

    def __str__(self):
        return f"{self.item}: {self.order}. {self.title}"


class ServiceRequest(models.Model):
    """A request for a catalogue item.

    ``answers`` hold the validated answers and ``questions`` the item's question
    definitions as they were at submission (what the answers were validated against).
    ``status`` changes only through ``requests_app.services.request_transition``.
    """

    number = models.CharField(max_length=16, unique=True, editable=False)
    title = models.CharField(max_length=200, validators=[validate_single_line])
    item = models.ForeignKey(CatalogItem, on_delete=models.PROTECT, related_name="requests")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_for = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(default=1)
    answers = models.JSONField(default=dict, blank=True)
    questions = models.JSONField(default=list, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.P4)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.SUBMITTED, editable=False
    )
    submitted_at = models.DateTimeField()
    approved_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome_reason = models.TextField(
        blank=True, help_text="Why it was rejected or cancelled (shown to the requester)."
    )

    sla_policy = models.ForeignKey(
        "itsm.SlaPolicy", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sla_next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    watchers = models.ManyToManyField(User, blank=True, related_name="watched_requests")
    version = models.PositiveIntegerField(default=1, editable=False)
    history = audit_history(m2m_fields=[watchers])

    class Meta:
        ordering = list(LIST_ORDER)
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="request_recent"),
            models.Index(fields=["status", "-created_at", "-id"], name="request_status_recent"),
            models.Index(
                fields=["requested_by", "-created_at", "-id"], name="request_requester_recent"
            ),
            models.Index(fields=["requested_for", "-created_at", "-id"], name="request_for_recent"),
            models.Index(fields=["item", "-created_at", "-id"], name="request_item_recent"),
            models.Index(fields=["status", "fulfilled_at"], name="request_fulfilled"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="request_quantity")
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("requests_app:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in (Status.CLOSED, Status.CANCELLED, Status.REJECTED)


class FulfilmentTask(models.Model):
    """One piece of work that fulfils a request, done by its group.

    A task cannot start before every task of the request with a lower ``order`` is done
    (or cancelled); ``status`` changes only through ``requests_app.services.task_transition``.
    """

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="tasks")
    template = models.ForeignKey(
        TaskTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200, validators=[validate_single_line])
    group = models.ForeignKey("itsm.Team", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN, editable=False
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = audit_history()

    class Meta:
        ordering = ["request", "order", "pk"]
        indexes = [
            models.Index(fields=["group", "status", "-created_at"], name="task_group_status"),
            models.Index(fields=["assignee", "status", "-created_at"], name="task_assignee"),
            models.Index(fields=["status", "-created_at", "-id"], name="task_status_recent"),
            models.Index(fields=["-created_at", "-id"], name="task_recent"),
        ]

    def __str__(self):
        return f"{self.request.number} task {self.order}: {self.title}"

    def get_absolute_url(self):
        return reverse("admin:requests_app_fulfilmenttask_change", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (TaskStatus.DONE, TaskStatus.CANCELLED)


class RequestComment(CommentBase):
    """A public comment or internal work note on a request."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="comments")

    def __str__(self):
        return f"{self.get_visibility_display()} on {self.request_id}"


class RequestAttachment(AttachmentBase):
    """A file attached to a request."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="attachments"
    )


class RequestSlaPause(SlaPauseBase):
    """An interval during which the request's SLA clocks do not count."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="sla_pauses")

    class Meta(SlaPauseBase.Meta):
        constraints = [one_open_pause("request", name="request_sla_pause_one_open")]


class RequestSlaEvent(SlaEventBase):
    """A warning or breach of one request SLA clock, recorded once."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="sla_events")

    class Meta(SlaEventBase.Meta):
        constraints = [event_once("request", name="request_sla_event_once")]
