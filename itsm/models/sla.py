import zoneinfo
from datetime import time

from django.core.exceptions import ValidationError
from django.db import models

from itsm.audit import audit_history
from itsm.choices import Priority, RecordKind


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not a known time zone (for example Europe/London).")


class BusinessCalendar(models.Model):
    """Working hours per weekday, a time zone and holidays: the time an SLA clock counts."""

    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    history = audit_history()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkingHours(models.Model):
    """One working interval on one weekday, in the calendar's local wall-clock time."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField(help_text="00:00 means midnight at the end of the day.")
    history = audit_history()

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="working_hours_weekday"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self):
        if self.start is None or self.end is None:
            return
        if self.end != time(0) and self.end <= self.start:
            raise ValidationError({"end": "The end of working hours must be after the start."})
        if not self.calendar_id:
            return
        for other in self.calendar.working_hours.filter(weekday=self.weekday).exclude(pk=self.pk):
            if _overlaps(self.start, self.end, other.start, other.end):
                raise ValidationError(
                    f"These hours overlap {other} on the same calendar; merge them instead."
                )


def _overlaps(start_a, end_a, start_b, end_b) -> bool:
    def as_minutes(value: time, is_end: bool) -> int:
        return 24 * 60 if is_end and value == time(0) else value.hour * 60 + value.minute

    return as_minutes(start_a, False) < as_minutes(end_b, True) and as_minutes(
        start_b, False
    ) < as_minutes(end_a, True)


class Holiday(models.Model):
    """Whole local days (first_day..last_day inclusive) with no working time."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    name = models.CharField(max_length=100)
    first_day = models.DateField()
    last_day = models.DateField()
    history = audit_history()

    class Meta:
        ordering = ["calendar", "first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="holiday_last_day_not_before_first",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.first_day:%Y-%m-%d})"

    def clean(self):
        if self.first_day is None or self.last_day is None:
            return
        if self.last_day < self.first_day:
            raise ValidationError({"last_day": "The last day cannot be before the first day."})
        if not self.calendar_id:
            return
        clash = (
            self.calendar.holidays.filter(
                first_day__lte=self.last_day, last_day__gte=self.first_day
            )
            .exclude(pk=self.pk)
            .first()
        )
        if clash:
            raise ValidationError(f"This holiday overlaps '{clash}' on the same calendar.")


class SlaPolicy(models.Model):
    """Response and resolution targets per priority, counted in a business calendar."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=RecordKind.choices, default=RecordKind.INCIDENT)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="policies"
    )
    pause_on = models.JSONField(
        default=list,
        blank=True,
        help_text="Statuses (or status:reason codes such as on_hold:awaiting_caller) that "
        "pause the clock.",
    )
    is_default = models.BooleanField(default=False)
    history = audit_history()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(is_default=True),
                name="sla_policy_one_default_per_kind",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not isinstance(self.pause_on, list) or not all(
            isinstance(code, str) and code for code in self.pause_on
        ):
            raise ValidationError({"pause_on": "Give a list of status codes."})


class SlaTarget(models.Model):
    """The response and resolution targets, in business minutes, for one priority."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    history = audit_history()

    class Meta:
        ordering = ["policy", "priority"]
        verbose_name = "SLA target"
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_unique"),
            models.CheckConstraint(
                condition=models.Q(resolution_minutes__gte=models.F("response_minutes")),
                name="sla_resolution_not_before_response",
            ),
        ]

    def __str__(self):
        return f"{self.policy} P{self.priority}"

    def clean(self):
        if (
            self.response_minutes is not None
            and self.resolution_minutes is not None
            and self.resolution_minutes < self.response_minutes
        ):
            raise ValidationError(
                {"resolution_minutes": "The resolution target cannot be shorter than the response."}
            )
