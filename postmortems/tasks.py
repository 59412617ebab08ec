"""Thin Celery tasks: they call services."""

from celery import shared_task

from itsm.tasks import RETRY
from postmortems import services


@shared_task(**RETRY)
def postmortem_overdue_reminders() -> int:
    """Hourly: remind owners of overdue postmortems (once a day each)."""
    return services.postmortems_overdue_remind()


@shared_task(**RETRY)
def postmortem_action_item_reminders() -> int:
    """Hourly: remind owners of past-due action items (once a day each)."""
    return services.action_items_overdue_remind()


@shared_task(**RETRY)
def postmortem_due_reminders() -> int:
    """Hourly: remind commanders of resolved P1 major incidents without a postmortem
    (once a day each) and offer one for other major incidents (once)."""
    return services.postmortems_due_remind()
