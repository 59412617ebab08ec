"""Build the pure-Python calendar spec from a BusinessCalendar row."""

from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

from itsm.sla.calendar import CalendarSpec


def calendar_spec(calendar) -> CalendarSpec:
    """The spec for ``calendar``; prefetch ``working_hours`` and ``holidays`` for lists."""
    hours = defaultdict(list)
    for span in sorted(calendar.working_hours.all(), key=lambda s: (s.weekday, s.start)):
        hours[span.weekday].append((span.start, span.end))
    days = set()
    for holiday in calendar.holidays.all():
        day = holiday.first_day
        while day <= holiday.last_day:
            days.add(day)
            day += timedelta(days=1)
    return CalendarSpec(
        tz=ZoneInfo(calendar.time_zone),
        hours={weekday: tuple(spans) for weekday, spans in hours.items()},
        holidays=frozenset(days),
    )
