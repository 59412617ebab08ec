"""Service request enumerations. Values are stable lowercase codes; labels are for people."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    IN_FULFILMENT = "in_fulfilment", _("In fulfilment")
    FULFILLED = "fulfilled", _("Fulfilled")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = [
    Status.SUBMITTED,
    Status.AWAITING_APPROVAL,
    Status.APPROVED,
    Status.IN_FULFILMENT,
    Status.FULFILLED,
]
FINISHED_STATUSES = [Status.CLOSED, Status.REJECTED, Status.CANCELLED]
# The requester may cancel their own request until fulfilment starts.
BEFORE_FULFILMENT = frozenset({Status.SUBMITTED, Status.AWAITING_APPROVAL, Status.APPROVED})


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


TASK_FINISHED = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})


class ApprovalRule(models.TextChoices):
    """Who approves requests for an item."""

    NONE = "none", _("No approval")
    MANAGER = "manager", _("The requested-for person's manager")
    GROUP = "group", _("The approver group")
    MANAGER_THEN_GROUP = "manager_then_group", _("The manager, then the approver group")


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    YES_NO = "yes_no", _("Yes/no")
    CHOICE = "choice", _("Single choice")
    MULTI_CHOICE = "multi_choice", _("Multiple choice")
    USER = "user", _("A user")
    CONFIGURATION_ITEM = "ci", _("A configuration item")


class Icon(models.TextChoices):
    """The icons shipped in ``requests_app/static/requests_app/icons/``."""

    LAPTOP = "laptop", _("Laptop")
    KEY = "key", _("Key")
    FOLDER = "folder", _("Shared folder")
    PERSON = "person", _("Person")
    PHONE = "phone", _("Phone")
    MAIL = "mail", _("Mail")
    SCREEN = "screen", _("Screen")
    BOX = "box", _("Box")
