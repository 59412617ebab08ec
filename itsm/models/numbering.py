from django.db import models


class NumberSequence(models.Model):
    """The last number handed out for a prefix (INC, PRB, CHG, REQ).

    Not historied: it is a counter, and every record that takes a number is audited itself.
    """

    prefix = models.CharField(max_length=8, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}{self.last_value:07d}"
