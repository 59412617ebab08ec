"""Reminder jobs: overdue postmortems and past-due action items, once a day each.

The notification key carries the day, so a rerun or a redelivered task the same day
sends nothing twice; notifications are queued after the commit.
"""

from django.db import transaction
from django.utils import timezone

from itsm.audit import system_user
from itsm.notifications import notify_on_commit
from itsm.writes import lock_record, save_record
from postmortems.choices import OPEN_ACTION_STATUSES, Status
from postmortems.due import due_after
from postmortems.models import ActionItem, Postmortem

BATCH = 500


def _fill_due_dates() -> None:
    """Postmortems opened before their incident was resolved get their due date now."""
    waiting = Postmortem.objects.filter(
        due_at__isnull=True, incident__resolved_at__isnull=False
    ).exclude(status=Status.PUBLISHED)
    for pk in list(waiting.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            postmortem = lock_record(Postmortem, pk, related=("incident",))
            if postmortem.due_at is None:
                postmortem.due_at = due_after(postmortem.incident.resolved_at)
                reason = "due date from the incident's resolution"
                save_record(postmortem, actor=system_user(), reason=reason, fields={"due_at"})


def postmortems_overdue_remind(*, now=None) -> int:
    """Queue today's reminder to the owner of every unpublished postmortem past due."""
    now = now or timezone.now()
    _fill_due_dates()
    overdue = list(
        Postmortem.objects.filter(due_at__lt=now)
        .exclude(status=Status.PUBLISHED)
        .select_related("incident")
        .order_by("due_at", "pk")[:BATCH]
    )
    with transaction.atomic():
        for postmortem in overdue:
            notify_on_commit(postmortem, "overdue", day=now.date().isoformat())
    return len(overdue)


def action_items_overdue_remind(*, now=None) -> int:
    """Queue today's reminder for every open action item past its due date."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    items = list(
        ActionItem.objects.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)
        .select_related("postmortem")
        .order_by("due_date", "pk")[:BATCH]
    )
    with transaction.atomic():
        for item in items:
            notify_on_commit(
                item.postmortem, "action_overdue", action=item.pk, day=today.isoformat()
            )
    return len(items)
