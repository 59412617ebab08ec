"""Reminders (Celery beat jobs, each idempotent; the mail goes out after commit):

- overdue retrospective approvals notify the change manager once a day until signed off;
- approval steps waiting longer than ``CHANGE_APPROVAL_REMINDER_HOURS`` remind their
  approvers (the track's ``reminded_at`` is set, so the next reminder waits as long);
- the implementer hears ``CHANGE_START_REMINDER_HOURS`` before the planned start;
- the implementer and the change manager hear when a scheduled change has not started
  at its planned start, or an implementing one has not ended at its planned end.

The schedule reminders are sent once per planned window: the notification key carries the
window, and windows whose notification was sent already are skipped before queueing.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from changes.choices import Status
from changes.models import Change
from changes.selectors import overdue_retrospectives
from itsm import approvals
from itsm.audit import record_change, system_user
from itsm.models import NotificationLog
from itsm.notifications import notification_key, notify_on_commit

# Windows that went by longer ago than this are no longer reminded about.
LOOKBACK = timedelta(days=7)


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


def approval_reminders_due(*, now=None) -> int:
    """Remind the approvers of every change step waiting too long; return how many."""
    now = now or timezone.now()
    delta = timedelta(hours=settings.CHANGE_APPROVAL_REMINDER_HOURS)
    with transaction.atomic():
        tracks = list(
            approvals.waiting_longer_than(delta, now=now)
            .filter(content_type=ContentType.objects.get_for_model(Change))
            .select_for_update(of=("self",), skip_locked=True)
        )
        changes = Change.objects.in_bulk([track.object_id for track in tracks])
        actor = system_user() if tracks else None
        for track in tracks:
            track.reminded_at = now
            record_change(track, actor, f"approvers reminded of step {track.step.order}")
            track.save(update_fields=["reminded_at"])
            change = changes[track.object_id]
            notify_on_commit(change, "approval_reminder", step=track.step_id, at=now.isoformat())
    return len(tracks)


def _send_once_per_window(changes, event: str, field: str) -> int:
    """Queue ``event`` for each change not yet told about its current window."""
    keyed = {notification_key(c, event, {field: getattr(c, field).isoformat()}): c for c in changes}
    sent = set(NotificationLog.objects.filter(key__in=list(keyed)).values_list("key", flat=True))
    due = [change for key, change in keyed.items() if key not in sent]
    for change in due:
        notify_on_commit(change, event, **{field: getattr(change, field).isoformat()})
    return len(due)


def schedule_reminders_due(*, now=None) -> int:
    """Queue start reminders and not-started or not-ended warnings; return how many."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.CHANGE_START_REMINDER_HOURS)
    scheduled = Change.objects.filter(status=Status.SCHEDULED)
    with transaction.atomic():
        return (
            _send_once_per_window(
                scheduled.filter(planned_start__gt=now, planned_start__lte=soon),
                "start_reminder",
                "planned_start",
            )
            + _send_once_per_window(
                scheduled.filter(planned_start__lte=now, planned_start__gt=now - LOOKBACK),
                "start_overdue",
                "planned_start",
            )
            + _send_once_per_window(
                Change.objects.filter(
                    status=Status.IMPLEMENTING,
                    planned_end__lte=now,
                    planned_end__gt=now - LOOKBACK,
                ),
                "end_overdue",
                "planned_end",
            )
        )
