"""A controllable ``timezone.now`` for tests whose outcome depends on time passing."""

import datetime as dt

from django.utils import timezone

# A Monday at the start of the default calendar's working day.
MONDAY_MORNING = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self, start: dt.datetime = MONDAY_MORNING):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, delta: dt.timedelta = dt.timedelta(), **parts) -> dt.datetime:
        self.now += delta + dt.timedelta(**parts)
        return self.now


def install_clock(monkeypatch, start: dt.datetime = MONDAY_MORNING) -> Clock:
    """Replace ``django.utils.timezone.now`` for the test; returns the clock to move."""
    clock = Clock(start)
    monkeypatch.setattr(timezone, "now", clock)
    return clock
