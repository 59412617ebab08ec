from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from itsm.audit import audit_history
from itsm.choices import Tier


class Team(models.Model):
    """An assignment group: the people who work records together at one support tier."""

    name = models.CharField(max_length=100, unique=True)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.TIER1)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_teams",
    )
    email = models.EmailField(blank=True)
    escalates_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_from",
        help_text="The group a record moves to on functional escalation.",
    )
    is_active = models.BooleanField(default=True)
    history = audit_history(m2m_fields=[members])

    class Meta:
        ordering = ["tier", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.escalates_to_id and self.escalates_to_id == self.pk:
            raise ValidationError({"escalates_to": "A group cannot escalate to itself."})
        if self.escalates_to_id and self.escalates_to.tier <= self.tier:
            raise ValidationError(
                {"escalates_to": "Escalation must go to a group at a higher tier."}
            )
