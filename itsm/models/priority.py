from django.db import models

from itsm.audit import audit_history
from itsm.choices import Level, Priority


class PriorityMatrixCell(models.Model):
    """One cell of the impact x urgency matrix; admins may edit it and every edit is audited."""

    impact = models.CharField(max_length=10, choices=Level.choices)
    urgency = models.CharField(max_length=10, choices=Level.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    history = audit_history()

    class Meta:
        ordering = ["priority", "impact", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="priority_cell_unique"),
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=5), name="priority_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.impact} impact x {self.urgency} urgency = P{self.priority}"
