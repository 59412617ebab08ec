"""Three engine cases once found wrong or undefined (issue 6 section 6), as test vectors.

The calendar is UTC, Monday to Friday 09:00-17:00; Monday is 2026-03-02.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from itsm.sla.calendar import CalendarSpec, working_intervals
from itsm.sla.clock import Pause, compute_clock, due_at, is_past, threshold_at

M = timedelta(minutes=1)
H = timedelta(hours=1)
OFFICE = CalendarSpec(tz=ZoneInfo("UTC"), hours={d: ((time(9), time(17)),) for d in range(5)})


def mon(hour, minute=0, second=0):
    return datetime(2026, 3, 2, hour, minute, second, tzinfo=UTC)


def response(*, stopped_at, pauses, now=None, target=2 * H):
    return compute_clock(
        OFFICE,
        started_at=mon(9),
        target=target,
        pauses=pauses,
        now=now or mon(16),
        stopped_at=stopped_at,
    )


# --- (a) nothing after a clock's stop changes its figures ------------------------------


@pytest.mark.parametrize(
    ("stop", "pauses"),
    [
        # Responded at 09:30, then on hold 10:00-10:30.
        (mon(9, 30), [Pause(mon(10), mon(10, 30))]),
        # Responded (and resolved) at 09:20; the time resolved before a rejection is a
        # pause that starts at the stop.
        (mon(9, 20), [Pause(mon(9, 20), mon(10))]),
        # Several later pauses, one still open.
        (mon(9, 20), [Pause(mon(9, 40), mon(9, 50)), Pause(mon(11), mon(12)), Pause(mon(13))]),
    ],
)
def test_pauses_after_the_stop_leave_the_due_time_alone(stop, pauses):
    state = response(stopped_at=stop, pauses=pauses)

    assert state.due_at == mon(11)
    assert state.paused == timedelta()
    assert state.elapsed == stop - mon(9)
    assert due_at(OFFICE, started_at=mon(9), target=2 * H, pauses=pauses, stopped_at=stop) == mon(
        11
    )
    warning = threshold_at(
        OFFICE, started_at=mon(9), target=2 * H, pauses=pauses, fraction=0.75, stopped_at=stop
    )
    assert warning == mon(10, 30)


def test_a_pause_straddling_the_stop_counts_only_up_to_the_stop():
    # On hold 09:15-10:00, responded at 09:30: 15 minutes paused, not 45.
    state = response(stopped_at=mon(9, 30), pauses=[Pause(mon(9, 15), mon(10))])

    assert state.paused == 15 * M
    assert state.elapsed == 15 * M
    assert state.due_at == mon(11, 15)
    assert state.paused_intervals == ((mon(9, 15), mon(9, 30)),)


def test_figures_of_a_stopped_clock_do_not_depend_on_what_came_after():
    before = response(stopped_at=mon(9, 30), pauses=[Pause(mon(9, 10), mon(9, 20))])
    after = response(
        stopped_at=mon(9, 30),
        pauses=[Pause(mon(9, 10), mon(9, 20)), Pause(mon(9, 30), mon(12)), Pause(mon(14))],
        now=mon(16, 59),
    )

    assert before == after


# --- (b) exactly 100 % -------------------------------------------------------------------


def p1_response(**kwargs):
    kwargs.setdefault("pauses", [])
    return compute_clock(OFFICE, started_at=mon(9), target=15 * M, **kwargs)


def test_stopping_exactly_at_the_due_time_is_met():
    state = p1_response(now=mon(12), stopped_at=mon(9, 15))

    assert state.due_at == mon(9, 15)
    assert state.percent == 100.0
    assert not state.breached


def test_stopping_a_second_after_the_due_time_is_breached():
    assert p1_response(now=mon(12), stopped_at=mon(9, 15, 1)).breached


def test_a_running_clock_at_its_due_time_is_not_breached_yet_and_is_a_moment_later():
    at_due = p1_response(now=mon(9, 15))
    later = p1_response(now=mon(9, 15, 1))

    assert (at_due.percent, at_due.breached) == (100.0, False)
    assert later.breached


def test_running_past_the_due_time_outside_working_hours_is_breached_at_100_percent():
    # Due at 17:00; at 18:00 no more business time has passed, but the clock ran past it.
    running = compute_clock(OFFICE, started_at=mon(9), target=8 * H, pauses=[], now=mon(18))
    stopped = compute_clock(
        OFFICE, started_at=mon(9), target=8 * H, pauses=[], now=mon(18), stopped_at=mon(18)
    )

    assert running.due_at == mon(17) and running.percent == 100.0
    assert running.breached and stopped.breached


def test_is_past_is_the_one_definition():
    assert not is_past(mon(9, 15), mon(9, 15))
    assert is_past(mon(9, 15), mon(9, 15, 1))
    assert not is_past(None, mon(23))  # an open pause holds the clock short of its target


# --- (c) working hours in the hour daylight saving skips or repeats ----------------------


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def one_day(zone: str, day: str, start: str, end: str) -> list[tuple[str, str]]:
    """The UTC working interval(s) of a calendar open only on ``day``, from start to end."""
    day = date.fromisoformat(day)
    spans = ((time.fromisoformat(start), time.fromisoformat(end)),)
    spec = CalendarSpec(tz=ZoneInfo(zone), hours={day.weekday(): spans})
    window = [datetime.combine(day + timedelta(days=n), time(0), tzinfo=UTC) for n in (-1, 2)]
    fmt = "%Y-%m-%d %H:%M"
    return [(lo.strftime(fmt), hi.strftime(fmt)) for lo, hi in working_intervals(spec, *window)]


# (zone, local day, start, end) -> the UTC interval counted
SKIPPED = [
    # Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
    ("Europe/Berlin", "2026-03-29", "02:15", "06:00", ("2026-03-29 01:00", "2026-03-29 04:00")),
    ("Europe/Berlin", "2026-03-29", "00:00", "02:15", ("2026-03-28 23:00", "2026-03-29 01:00")),
    # New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
    ("America/New_York", "2026-03-08", "02:15", "06:00", ("2026-03-08 07:00", "2026-03-08 10:00")),
    ("America/New_York", "2026-03-08", "00:00", "02:15", ("2026-03-08 05:00", "2026-03-08 07:00")),
    # Lord Howe Island, 2026-10-04: 02:00 (+10:30) jumps half an hour to 02:30 (+11:00).
    (
        "Australia/Lord_Howe",
        "2026-10-04",
        "02:15",
        "06:00",
        ("2026-10-03 15:30", "2026-10-03 19:00"),
    ),
    (
        "Australia/Lord_Howe",
        "2026-10-04",
        "00:00",
        "02:15",
        ("2026-10-03 13:30", "2026-10-03 15:30"),
    ),
]
REPEATED = [
    # Berlin, 2026-10-25: 02:00-03:00 happens twice; 02:15 is the CEST one (00:15 UTC).
    ("Europe/Berlin", "2026-10-25", "02:15", "06:00", ("2026-10-25 00:15", "2026-10-25 05:00")),
    ("Europe/Berlin", "2026-10-25", "00:00", "02:15", ("2026-10-24 22:00", "2026-10-25 00:15")),
    # New York, 2026-11-01: 01:00-02:00 happens twice; 01:15 is the EDT one (05:15 UTC).
    ("America/New_York", "2026-11-01", "01:15", "06:00", ("2026-11-01 05:15", "2026-11-01 11:00")),
    ("America/New_York", "2026-11-01", "00:00", "01:15", ("2026-11-01 04:00", "2026-11-01 05:15")),
    # Lord Howe Island, 2026-04-05: 01:30-02:00 happens twice; 01:45 is the +11:00 one.
    (
        "Australia/Lord_Howe",
        "2026-04-05",
        "01:45",
        "06:00",
        ("2026-04-04 14:45", "2026-04-04 19:30"),
    ),
    (
        "Australia/Lord_Howe",
        "2026-04-05",
        "00:00",
        "01:45",
        ("2026-04-04 13:00", "2026-04-04 14:45"),
    ),
]


@pytest.mark.parametrize(("zone", "day", "start", "end", "counted"), SKIPPED)
def test_a_start_or_end_in_the_skipped_hour_moves_to_the_end_of_the_gap(
    zone, day, start, end, counted
):
    assert one_day(zone, day, start, end) == [counted]


@pytest.mark.parametrize(("zone", "day", "start", "end", "counted"), REPEATED)
def test_a_start_or_end_in_the_repeated_hour_is_its_first_occurrence(
    zone, day, start, end, counted
):
    assert one_day(zone, day, start, end) == [counted]


def test_a_span_wholly_inside_the_gap_counts_nothing():
    assert one_day("Australia/Lord_Howe", "2026-10-04", "02:05", "02:25") == []
