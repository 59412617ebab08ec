"""When a postmortem is due: business days after the incident's resolution.

Business days are counted with the SLA kit's calendar arithmetic on a Monday-to-Friday
calendar in the project's time zone (``POSTMORTEM_DUE_BUSINESS_DAYS``, default 5).
"""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from itsm.sla.calendar import CalendarSpec, add_business_time

MIDNIGHT = time(0)


def weekdays() -> CalendarSpec:
    return CalendarSpec(
        tz=ZoneInfo(settings.TIME_ZONE), hours={d: ((MIDNIGHT, MIDNIGHT),) for d in range(5)}
    )


def due_after(resolved_at):
    """The instant ``POSTMORTEM_DUE_BUSINESS_DAYS`` business days after ``resolved_at``."""
    if resolved_at is None:
        return None
    days = getattr(settings, "POSTMORTEM_DUE_BUSINESS_DAYS", 5)
    return add_business_time(weekdays(), resolved_at, timedelta(days=days))
