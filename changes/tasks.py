"""Thin Celery tasks: they take ids and call services."""

from celery import shared_task

from changes import services
from itsm.tasks import RETRY


@shared_task(**RETRY)
def change_retrospective_reminders() -> int:
    """Hourly: remind change managers of overdue retrospective approvals (daily each)."""
    return services.retrospective_reminders_due()


@shared_task(**RETRY)
def change_approval_reminders() -> int:
    """Every 15 minutes: remind approvers of steps waiting longer than the setting."""
    return services.approval_reminders_due()


@shared_task(**RETRY)
def change_schedule_reminders() -> int:
    """Every 15 minutes: start reminders, and changes not started or not ended on time."""
    return services.schedule_reminders_due()
