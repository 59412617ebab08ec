"""What the product knows about a person beyond their account: their line manager."""

from django.conf import settings
from django.db import models

from itsm.audit import audit_history


class Profile(models.Model):
    """One per user, created on demand; ``manager`` approves what their reports request."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text="The person's line manager.",
    )
    history = audit_history()

    def __str__(self):
        return f"{self.user}"


def manager_of(user):
    """The user's line manager, or None."""
    profile = Profile.objects.filter(user=user).select_related("manager").first()
    return profile.manager if profile else None
