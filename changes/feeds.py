"""The ``changes`` calendar feed (``itsm.feeds``): the changes holding a window, cancelled
ones marked cancelled, and the freeze windows, for staff who see changes.

Times are written in UTC (``...Z``), which every calendar app converts to its own zone.
Each change keeps its UID for life and its ``SEQUENCE`` is the record's version, so a
rescheduled change replaces its old event.
"""

from datetime import UTC, timedelta

import icalendar
from django.conf import settings
from django.utils import timezone

from changes.calendar import CALENDAR_STATUSES
from changes.choices import Status
from changes.models import FreezeWindow
from changes.selectors import change_list_visible_to, sees_all_changes
from itsm.feeds import register_feed, uid

KIND = "changes"
PAST = timedelta(days=90)
FUTURE = timedelta(days=400)
MAX_EVENTS = 2000
TENTATIVE = {Status.AUTHORISATION, Status.EMERGENCY_AUTHORISATION}


def _status(change) -> str:
    if change.status == Status.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if change.status in TENTATIVE else "CONFIRMED"


def _description(change) -> str:
    lines = [
        f"{change.get_change_type_display()} change, {change.get_status_display().lower()}, "
        f"{change.get_risk_display().lower()} risk.",
    ]
    if change.implementer:
        lines.append(f"Implementer: {change.implementer.get_full_name() or change.implementer}")
    if change.outage_expected:
        lines.append("Outage expected.")
    for conflict in change.conflicts or []:
        lines.append(f"Conflict: {conflict.get('change')} ({conflict.get('kind')})")
    return "\n".join(lines)


def change_event(change, *, now) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid("change", change.pk))
    event.add("dtstamp", now)
    event.add("dtstart", change.planned_start.astimezone(UTC))
    event.add("dtend", change.planned_end.astimezone(UTC))
    event.add("summary", f"{change.number} {change.title}")
    event.add("description", _description(change))
    event.add("status", _status(change))
    event.add("sequence", change.version)
    event.add("last-modified", change.updated_at.astimezone(UTC))
    event.add("categories", [change.get_change_type_display()])
    event.add("url", settings.PORTAL_BASE_URL.rstrip("/") + change.get_absolute_url())
    return event


def freeze_event(freeze, *, now) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid("freeze", freeze.pk))
    event.add("dtstamp", now)
    event.add("dtstart", freeze.starts_at.astimezone(UTC))
    event.add("dtend", freeze.ends_at.astimezone(UTC))
    event.add("summary", f"Change freeze: {freeze.name}")
    services = ", ".join(str(s) for s in freeze.services.all()) or "all services"
    event.add("description", f"No normal or standard changes ({services}). {freeze.reason}")
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED" if freeze.is_active else "CANCELLED")
    return event


def build(user) -> list[icalendar.Event]:
    """Three queries: the changes with their implementers, the freezes, their services."""
    now = timezone.now()
    start, end = now - PAST, now + FUTURE
    changes = (
        change_list_visible_to(user=user)
        .filter(status__in=[*CALENDAR_STATUSES, Status.CANCELLED])
        .filter(planned_start__lt=end, planned_end__gt=start)
        .order_by("planned_start", "pk")[:MAX_EVENTS]
    )
    freezes = (
        FreezeWindow.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .prefetch_related("services")
        .order_by("starts_at", "pk")
    )
    return [change_event(c, now=now) for c in changes] + [freeze_event(f, now=now) for f in freezes]


def register() -> None:
    register_feed(KIND, "Change calendar", build, sees_all_changes)
