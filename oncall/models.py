"""On-call schedules, escalation policies, pages and their deliveries."""

from datetime import timedelta
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models

from itsm.audit import audit_history
from oncall import rotation as arithmetic
from oncall.choices import AckVia, Channel, DeliveryStatus, LevelTarget, ShiftUnit, WebhookKind


def validate_time_zone(value: str) -> None:
    """An IANA time zone name (not a choices list, which would follow the installed tzdata
    into the migrations)."""
    if value not in available_timezones():
        raise ValidationError("Use an IANA time zone name such as Europe/Berlin.")


WEEKDAYS_HELP = "Digits of the active weekdays, 0 Monday to 6 Sunday (0123456: every day)."


class Schedule(models.Model):
    """The on-call schedule of one assignment group: its rotations and overrides."""

    team = models.OneToOneField("itsm.Team", on_delete=models.CASCADE, related_name="schedule")
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    history = audit_history()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Rotation(models.Model):
    """Members taking turns: shift ``k`` starts at ``starts_on`` + hand-off + k * length, local."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="rotations")
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="0 is the primary rotation, 1 the secondary, and so on."
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    starts_on = models.DateField()
    handoff_time = models.TimeField()
    shift_length = models.PositiveSmallIntegerField(default=7)
    shift_unit = models.CharField(max_length=5, choices=ShiftUnit.choices, default=ShiftUnit.DAYS)
    weekdays = models.CharField(
        max_length=7,
        default="0123456",
        help_text=WEEKDAYS_HELP,
        validators=[RegexValidator(r"^[0-6]{1,7}$", "Use digits 0 to 6.")],
    )
    active_from = models.TimeField(null=True, blank=True)
    active_until = models.TimeField(null=True, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["schedule", "position"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "position"], name="rotation_position"),
            models.CheckConstraint(
                condition=models.Q(shift_length__gte=1), name="rotation_shift_length"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if (self.active_from is None) != (self.active_until is None):
            raise ValidationError({"active_until": "Give both active hours, or neither."})
        if self.active_from is not None and self.active_from == self.active_until:
            raise ValidationError({"active_until": "The active hours must not be empty."})

    def spec(self, members=None) -> arithmetic.RotationSpec:
        """The pure description; ``members`` are the prefetched rows when given."""
        rows = self.members.all() if members is None else members
        unit = {"hours": timedelta(hours=1), "days": timedelta(days=1)}.get(self.shift_unit)
        digits = {int(c) for c in self.weekdays if c.isdigit() and int(c) < 7}
        return arithmetic.RotationSpec(
            members=tuple(row.user_id for row in sorted(rows, key=lambda r: r.position)),
            time_zone=self.time_zone if self.time_zone in available_timezones() else "UTC",
            starts_on=self.starts_on,
            handoff=self.handoff_time,
            length=(unit or timedelta(days=1)) * max(self.shift_length, 1),
            weekdays=frozenset(digits),
            active_from=self.active_from if self.active_until is not None else None,
            active_until=self.active_until if self.active_from is not None else None,
        )


class RotationMember(models.Model):
    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    history = audit_history()

    class Meta:
        ordering = ["rotation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["rotation", "position"], name="rotation_member_position"
            ),
            models.UniqueConstraint(fields=["rotation", "user"], name="rotation_member_once"),
        ]

    def __str__(self):
        return f"{self.position}: {self.user}"


class Override(models.Model):
    """Someone covers a rotation for a period, for anyone on call or for one person."""

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    replaces = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: whoever is on call (and any gap) in the period.",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["rotation", "ends_at"], name="override_rotation_end")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="override_period"
            )
        ]

    def __str__(self):
        return f"{self.user} {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The override must end after it starts."})

    def spec(self) -> arithmetic.OverrideSpec:
        return arithmetic.OverrideSpec(self.user_id, self.starts_at, self.ends_at, self.replaces_id)


class EscalationPolicy(models.Model):
    """Whom to page, level after level, until someone acknowledges; repeated K times."""

    team = models.OneToOneField(
        "itsm.Team", on_delete=models.CASCADE, related_name="escalation_policy"
    )
    name = models.CharField(max_length=100)
    repeat_count = models.PositiveSmallIntegerField(
        default=0, help_text="How many times to start again at the first level."
    )
    is_active = models.BooleanField(default=True)
    history = audit_history()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "escalation policies"

    def __str__(self):
        return self.name


class EscalationLevel(models.Model):
    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(default=0)
    target = models.CharField(max_length=12, choices=LevelTarget.choices, default="on_call")
    rotation = models.ForeignKey(
        Rotation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    delay_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Minutes to wait for an acknowledgement before the next level."
    )
    history = audit_history()

    class Meta:
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "position"], name="escalation_level_position")
        ]

    def __str__(self):
        return f"{self.position}: {self.get_target_display()}"

    def clean(self):
        if self.target == LevelTarget.ROTATION and self.rotation_id is None:
            raise ValidationError({"rotation": "Choose the rotation to page."})


class ChatWebhook(models.Model):
    """An incoming webhook of a chat tool where the group's pages are posted."""

    team = models.ForeignKey("itsm.Team", on_delete=models.CASCADE, related_name="chat_webhooks")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=WebhookKind.choices)
    url = models.URLField(max_length=500, validators=[URLValidator(schemes=["https", "http"])])
    is_active = models.BooleanField(default=True)
    history = audit_history()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Page(models.Model):
    """One person paged for one incident at one escalation step.

    ``next_step_at`` is when the escalation job pages the next step if nobody has
    acknowledged; it is cleared when that step is taken or the incident acknowledged, so
    a step is taken once whatever the worker does.
    """

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("itsm.Team", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pages"
    )
    cycle = models.PositiveSmallIntegerField(default=0)
    level = models.PositiveSmallIntegerField(default=0)
    target = models.CharField(max_length=12, choices=LevelTarget.choices)
    sent_at = models.DateTimeField()
    next_step_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_via = models.CharField(max_length=6, choices=AckVia.choices, blank=True)
    link_nonce = models.CharField(max_length=32, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_step_at"],
                name="page_next_step",
                condition=models.Q(next_step_at__isnull=False),
            ),
            # "My open pages" and the API's person, team and open filters, in list order.
            models.Index(
                fields=["person", "-sent_at", "-id"],
                name="page_person_open",
                condition=models.Q(acknowledged_at__isnull=True),
            ),
            models.Index(fields=["person", "-sent_at", "-id"], name="page_person_recent"),
            models.Index(fields=["team", "-sent_at", "-id"], name="page_team_recent"),
            models.Index(fields=["-sent_at", "-id"], name="page_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "team", "cycle", "level"], name="page_one_per_step"
            )
        ]

    def __str__(self):
        return f"Page {self.pk} to {self.person}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class PageDelivery(models.Model):
    """One message of a page on one channel; ``key`` makes a redelivered task send once."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    webhook = models.ForeignKey(
        ChatWebhook, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=100, unique=True)
    status = models.CharField(
        max_length=7, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "page deliveries"
        indexes = [models.Index(fields=["-created_at", "-id"], name="delivery_recent")]

    def __str__(self):
        return self.key
