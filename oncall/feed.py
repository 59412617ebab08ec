"""A person's on-call shifts as iCalendar events, for the calendar feed kit to serve.

``shift_events(user)`` returns one VEVENT per shift (overrides included) from a day ago to
:data:`HORIZON` ahead, with stable UIDs (rotation, start, person) so a calendar updates
rather than duplicates a shift when the feed is fetched again. Times are UTC; calendar
clients show them in the reader's zone.
"""

from datetime import UTC, timedelta

import icalendar
from django.conf import settings
from django.utils import timezone

from oncall import selectors

HORIZON = timedelta(days=60)
PAST = timedelta(days=1)


def shift_events(user) -> list[icalendar.Event]:
    now = timezone.now()
    host = settings.PORTAL_BASE_URL.split("//")[-1].split("/")[0] or "itsm"
    events = []
    for shift in selectors.user_shifts(user=user, start=now - PAST, end=now + HORIZON):
        rotation = shift.rotation
        event = icalendar.Event()
        start = shift.start.astimezone(UTC)
        event.add("uid", f"oncall-{rotation.pk}-{start:%Y%m%dT%H%M%SZ}-{user.pk}@{host}")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", start)
        event.add("dtend", shift.end.astimezone(UTC))
        team = rotation.schedule.team
        cover = " (override)" if shift.by_override else ""
        event.add("summary", f"On call: {team} - {rotation.name}{cover}")
        event.add("description", f"On-call shift for {team}, rotation {rotation.name}.")
        event.add("categories", ["On call"])
        event.add("transp", "OPAQUE")
        events.append(event)
    return events
