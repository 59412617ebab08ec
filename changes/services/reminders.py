"""Reminders: overdue retrospective approvals notify the change manager once a day until
an approver signs the emergency change off."""

from django.db import transaction
from django.utils import timezone

from changes.selectors import overdue_retrospectives
from itsm.notifications import notify_on_commit


def retrospective_reminders_due(*, now=None) -> int:
    """Queue today's reminder for every overdue retrospective approval; return how many.

    The notification key carries the day, so a rerun the same day sends nothing twice.
    """
    now = now or timezone.now()
    overdue = list(overdue_retrospectives(now=now).select_related("change_manager"))
    with transaction.atomic():
        for change in overdue:
            notify_on_commit(change, "retrospective_overdue", day=now.date().isoformat())
    return len(overdue)
