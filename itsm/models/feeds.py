"""Secret calendar-feed addresses: one revocable token per person and feed."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from itsm.audit import audit_history


class FeedToken(models.Model):
    """A person's secret address for one feed (``kind``, e.g. ``changes`` or ``shifts``).

    Only the SHA-256 of the secret is stored; the address is shown once, when issued.
    Revoking sets ``revoked_at``; a new token can then be issued.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    kind = models.SlugField(max_length=30)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = audit_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(revoked_at__isnull=True),
                name="feed_token_one_live_per_kind",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.kind} feed"
