"""Reminder jobs: postmortems not yet written, overdue postmortems and past-due action
items, once a day each.

The notification key carries the day, so a rerun or a redelivered task the same day
sends nothing twice; notifications are queued after the commit.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from incidents.models import Incident
from itsm.audit import system_user
from itsm.choices import Priority
from itsm.notifications import notify_on_commit
from itsm.writes import lock_record, save_record
from postmortems import notifications
from postmortems.choices import OPEN_ACTION_STATUSES, Status
from postmortems.due import due_after
from postmortems.models import ActionItem, Postmortem
from postmortems.selectors import postmortem_due_incidents

BATCH = 500
# Other major incidents resolved this recently are offered a postmortem, once.
OFFER_DAYS = 7


def postmortems_due_remind(*, now=None) -> int:
    """Queue today's reminder to the commander of every resolved P1 major incident that
    has no postmortem (one is required), and the one-time offer of one to the commander of
    every other major incident resolved in the last ``OFFER_DAYS`` days; return how many."""
    now = now or timezone.now()
    day = timezone.localdate(now).isoformat()
    required = postmortem_due_incidents().filter(commander__isnull=False, resolved_at__lte=now)
    offered = (
        Incident.objects.filter(
            is_major=True,
            resolved_at__gt=now - timedelta(days=OFFER_DAYS),
            resolved_at__lte=now,
            postmortem__isnull=True,
            commander__isnull=False,
        )
        .exclude(priority=Priority.P1)
        .order_by("-resolved_at", "-id")
    )
    queued = [(pk, "required") for pk in required.values_list("pk", flat=True)[:BATCH]]
    queued += [(pk, "offered") for pk in offered.values_list("pk", flat=True)[:BATCH]]
    with transaction.atomic():
        for pk, kind in queued:
            transaction.on_commit(
                lambda pk=pk, kind=kind: notifications.send_postmortem_due.delay(pk, kind, day)
            )
    return len(queued)


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
