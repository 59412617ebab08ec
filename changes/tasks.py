"""Thin Celery tasks: they take ids and call services."""

from celery import shared_task

from changes import services
from itsm.tasks import RETRY


@shared_task(**RETRY)
def change_retrospective_reminders() -> int:
    """Hourly: remind change managers of overdue retrospective approvals (daily each)."""
    return services.retrospective_reminders_due()
