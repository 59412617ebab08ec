from django.db import models


class NotificationLog(models.Model):
    """One row per notification actually sent; the unique key makes redelivered tasks no-ops.

    Not historied: it is itself an append-only log.
    """

    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=20, default="email")
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return self.key
