"""Who hears about a major incident, what they were told, and the cadence missed."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from comms.choices import Channel, DeliveryStatus
from itsm.audit import audit_history

User = settings.AUTH_USER_MODEL


class Stakeholder(models.Model):
    """One person, team or status-page subscriber on a major incident's stakeholder list.

    People and teams are chosen by staff; subscribers (``automatic``) come from the
    status-page subscriptions of the components the incident affects.
    """

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="stakeholders"
    )
    person = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "itsm.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subscriber = models.ForeignKey(
        "statuspage.Subscriber", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    automatic = models.BooleanField(default=False, editable=False)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    history = audit_history()

    class Meta:
        ordering = ["incident", "added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, team__isnull=True, subscriber__isnull=True)
                    | models.Q(person__isnull=True, team__isnull=False, subscriber__isnull=True)
                    | models.Q(person__isnull=True, team__isnull=True, subscriber__isnull=False)
                ),
                name="stakeholder_one_kind",
            ),
            models.UniqueConstraint(
                fields=["incident", "person"],
                condition=models.Q(person__isnull=False),
                name="stakeholder_person_once",
            ),
            models.UniqueConstraint(
                fields=["incident", "team"],
                condition=models.Q(team__isnull=False),
                name="stakeholder_team_once",
            ),
            models.UniqueConstraint(
                fields=["incident", "subscriber"],
                condition=models.Q(subscriber__isnull=False),
                name="stakeholder_subscriber_once",
            ),
        ]

    def __str__(self):
        if self.person_id:
            return str(self.person)
        if self.team_id:
            return str(self.team)
        return str(self.subscriber)


class StakeholderUpdate(models.Model):
    """One update sent to a major incident's stakeholders on the chosen channels."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="stakeholder_updates"
    )
    body = models.TextField()
    channels = models.JSONField(default=list, help_text="Channel codes: email, chat.")
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now, editable=False)
    history = audit_history()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["incident", "-sent_at"], name="stakeholder_update_incident"),
            models.Index(fields=["-sent_at", "-id"], name="stakeholder_update_recent"),
        ]

    def __str__(self):
        return f"Update {self.pk} on {self.incident_id} at {self.sent_at:%Y-%m-%d %H:%M}"

    def channel_labels(self) -> str:
        labels = dict(Channel.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.channels)


class UpdateDelivery(models.Model):
    """One message of an update: an e-mail to one address or a post to one chat webhook.

    ``key`` (update, channel, address or webhook) is unique, so a redelivered fan-out
    task adds no second row, and a sent row is never sent again.
    """

    update = models.ForeignKey(
        StakeholderUpdate, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=5, choices=Channel.choices)
    address = models.EmailField(max_length=254, blank=True)
    subscriber = models.ForeignKey(
        "statuspage.Subscriber", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    webhook = models.ForeignKey(
        "oncall.ChatWebhook", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=300, unique=True)
    status = models.CharField(
        max_length=7, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "update deliveries"
        indexes = [models.Index(fields=["-created_at", "-id"], name="update_delivery_recent")]

    def __str__(self):
        return self.key


class MissedCadence(models.Model):
    """A cadence interval of a major incident that passed with no update sent.

    One row per interval (unique on its due time), however often the beat job looks.
    """

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="missed_cadences"
    )
    due_at = models.DateTimeField(help_text="When the update was due.")
    interval_minutes = models.PositiveIntegerField()
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    history = audit_history()

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "due_at"], name="missed_cadence_once")
        ]
        indexes = [models.Index(fields=["-due_at", "-id"], name="missed_cadence_recent")]

    def __str__(self):
        return f"Update due {self.due_at:%Y-%m-%d %H:%M} on {self.incident_id}"
