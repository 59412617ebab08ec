from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from itsm.sla.calendar import (
    ALWAYS,
    CalendarSpec,
    add_business_time,
    business_time_between,
    working_intervals,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)
NINE_TO_FIVE = ((time(9), time(17)),)


def weekdays(tz, holidays=()):
    return CalendarSpec(
        tz=tz, hours={d: NINE_TO_FIVE for d in range(5)}, holidays=frozenset(holidays)
    )


def every_day(tz, spans=NINE_TO_FIVE):
    return CalendarSpec(tz=tz, hours={d: spans for d in range(7)}, holidays=frozenset())


def always(tz):
    return every_day(tz, ((time(0), time(0)),))


def utc(*args):
    return datetime(*args, tzinfo=UTC)


LON = weekdays(LONDON)


# --- London Mon-Fri 09-17 (2026-01-09 is a Friday, GMT == UTC) ---


def test_friday_afternoon_target_runs_over_weekend():
    due = add_business_time(LON, datetime(2026, 1, 9, 15, tzinfo=LONDON), 4 * H)
    assert due == datetime(2026, 1, 12, 11, tzinfo=LONDON)
    assert due.tzinfo is UTC


def test_friday_afternoon_in_summer_time_due_in_utc():
    due = add_business_time(LON, datetime(2026, 6, 5, 15, tzinfo=LONDON), 4 * H)
    assert due == utc(2026, 6, 8, 10)  # Monday 11:00 BST


def test_monday_holiday_pushes_due_to_tuesday():
    spec = weekdays(LONDON, holidays={date(2026, 1, 12)})
    due = add_business_time(spec, datetime(2026, 1, 9, 15, tzinfo=LONDON), 4 * H)
    assert due == utc(2026, 1, 13, 11)


def test_start_on_saturday_counts_from_monday_opening():
    due = add_business_time(LON, datetime(2026, 1, 10, 10, tzinfo=LONDON), 2 * H)
    assert due == utc(2026, 1, 12, 11)


def test_start_in_the_evening_counts_from_next_opening():
    due = add_business_time(LON, datetime(2026, 1, 13, 20, tzinfo=LONDON), 2 * H)
    assert due == utc(2026, 1, 14, 11)


def test_start_before_opening():
    due = add_business_time(LON, utc(2026, 1, 13, 7, 30), 30 * timedelta(minutes=1))
    assert due == utc(2026, 1, 13, 9, 30)


def test_exact_end_of_day_is_the_earliest_instant():
    assert add_business_time(LON, utc(2026, 1, 12, 9), 8 * H) == utc(2026, 1, 12, 17)


def test_zero_duration_is_start_even_outside_hours():
    start = datetime(2026, 1, 10, 10, tzinfo=LONDON)
    assert add_business_time(LON, start, timedelta()) == start


def test_negative_duration_rejected():
    with pytest.raises(ValueError):
        add_business_time(LON, utc(2026, 1, 12, 9), -H)


def test_working_intervals_clipped_and_ordered():
    got = working_intervals(LON, utc(2026, 1, 9, 15), utc(2026, 1, 13, 10))
    assert got == [
        (utc(2026, 1, 9, 15), utc(2026, 1, 9, 17)),
        (utc(2026, 1, 12, 9), utc(2026, 1, 12, 17)),
        (utc(2026, 1, 13, 9), utc(2026, 1, 13, 10)),
    ]


def test_business_time_between():
    assert business_time_between(LON, utc(2026, 1, 9, 15), utc(2026, 1, 13, 10)) == 11 * H
    assert business_time_between(LON, utc(2026, 1, 10), utc(2026, 1, 12)) == timedelta()
    assert business_time_between(LON, utc(2026, 1, 13), utc(2026, 1, 12)) == timedelta()
    assert working_intervals(LON, utc(2026, 1, 13), utc(2026, 1, 12)) == []


def test_holiday_removes_whole_day():
    spec = weekdays(LONDON, holidays={date(2026, 1, 12)})
    assert business_time_between(spec, utc(2026, 1, 12), utc(2026, 1, 14)) == 8 * H


def test_split_day_hours():
    spec = CalendarSpec(tz=LONDON, hours={0: ((time(9), time(12, 30)), (time(13, 30), time(17)))})
    start = utc(2026, 1, 12, 11)
    assert add_business_time(spec, start, 2 * H) == utc(2026, 1, 12, 14)
    assert add_business_time(spec, start, 90 * timedelta(minutes=1)) == utc(2026, 1, 12, 12, 30)
    assert business_time_between(spec, utc(2026, 1, 12), utc(2026, 1, 13)) == 7 * H


def test_ten_business_days():
    # Monday 09:00 + 80h -> second Friday 17:00 (12-13 Jan not holidays).
    assert add_business_time(LON, utc(2026, 1, 12, 9), 80 * H) == utc(2026, 1, 23, 17)


def test_long_target_skips_days():
    # 250 business days of 8h from Monday 2026-01-05 09:00 is 50 weeks later.
    due = add_business_time(LON, utc(2026, 1, 5, 9), 250 * 8 * H)
    assert due == datetime(2026, 12, 18, 17, tzinfo=LONDON)


# --- other zones ---


def test_new_york_due_in_utc():
    spec = weekdays(NEW_YORK)
    # Monday 16:00 EST (21:00 UTC) + 3h -> Tuesday 11:00 EST.
    due = add_business_time(spec, utc(2026, 1, 12, 21), 3 * H)
    assert due == utc(2026, 1, 13, 16)


def test_kolkata_half_hour_offset():
    spec = weekdays(KOLKATA)
    # 09:00-17:00 IST is 03:30-11:30 UTC; Monday 10:00 IST + 8h -> Tuesday 10:00 IST.
    due = add_business_time(spec, utc(2026, 1, 12, 4, 30), 8 * H)
    assert due == utc(2026, 1, 13, 4, 30)
    assert working_intervals(spec, utc(2026, 1, 12), utc(2026, 1, 13)) == [
        (utc(2026, 1, 12, 3, 30), utc(2026, 1, 12, 11, 30))
    ]


# --- DST days ---


def test_london_spring_forward_normal_hours():
    spec = every_day(LONDON)
    # 2026-03-29: 09:00-17:00 BST == 08:00-16:00 UTC, still 8h.
    assert working_intervals(spec, utc(2026, 3, 29), utc(2026, 3, 30)) == [
        (utc(2026, 3, 29, 8), utc(2026, 3, 29, 16))
    ]
    # Saturday 16:00 GMT + 2h -> Sunday 10:00 BST.
    assert add_business_time(spec, utc(2026, 3, 28, 16), 2 * H) == utc(2026, 3, 29, 9)


def test_london_fall_back_normal_hours():
    spec = every_day(LONDON)
    assert business_time_between(spec, utc(2026, 10, 25), utc(2026, 10, 26)) == 8 * H
    # Saturday 16:00 BST (15:00 UTC) + 2h -> Sunday 10:00 GMT.
    assert add_business_time(spec, utc(2026, 10, 24, 15), 2 * H) == utc(2026, 10, 25, 10)


def test_new_york_spring_forward_normal_hours():
    spec = every_day(NEW_YORK)
    assert working_intervals(spec, utc(2026, 3, 8), utc(2026, 3, 9)) == [
        (utc(2026, 3, 8, 13), utc(2026, 3, 8, 21))
    ]
    # Saturday 16:00 EST + 2h -> Sunday 10:00 EDT (14:00 UTC).
    assert add_business_time(spec, utc(2026, 3, 7, 21), 2 * H) == utc(2026, 3, 8, 14)


def test_24x7_in_dst_zone_counts_real_hours():
    london, new_york = always(LONDON), always(NEW_YORK)
    # 24 business hours across the spring-forward night are 24 real hours.
    assert add_business_time(london, utc(2026, 3, 28, 12), 24 * H) == utc(2026, 3, 29, 12)
    assert add_business_time(new_york, utc(2026, 3, 7, 17), 24 * H) == utc(2026, 3, 8, 17)
    # The local days themselves are 23h and 25h long.
    day = datetime(2026, 3, 29, tzinfo=LONDON), datetime(2026, 3, 30, tzinfo=LONDON)
    assert business_time_between(london, *day) == 23 * H
    day = datetime(2026, 10, 25, tzinfo=LONDON), datetime(2026, 10, 26, tzinfo=LONDON)
    assert business_time_between(london, *day) == 25 * H
    day = datetime(2026, 3, 8, tzinfo=NEW_YORK), datetime(2026, 3, 9, tzinfo=NEW_YORK)
    assert business_time_between(new_york, *day) == 23 * H
    # Touching days merge into one interval.
    assert working_intervals(london, utc(2026, 3, 28, 12), utc(2026, 3, 30, 12)) == [
        (utc(2026, 3, 28, 12), utc(2026, 3, 30, 12))
    ]


def test_hours_spanning_the_jump_count_real_time():
    spec = every_day(BERLIN, ((time(0), time(6)),))
    assert business_time_between(spec, utc(2026, 3, 28, 12), utc(2026, 3, 29, 12)) == 5 * H
    assert business_time_between(spec, utc(2026, 10, 24, 12), utc(2026, 10, 25, 12)) == 7 * H
    # 00:00 CET is 23:00 UTC; 5h later is 06:00 CEST.
    assert add_business_time(spec, utc(2026, 3, 28, 12), 5 * H) == utc(2026, 3, 29, 4)


def test_hours_inside_the_gap_never_overlap_or_go_negative():
    # 02:00-03:00 does not exist in Berlin on 2026-03-29.
    spec = every_day(BERLIN, ((time(2), time(2, 45)), (time(3), time(4))))
    got = working_intervals(spec, utc(2026, 3, 28, 12), utc(2026, 3, 29, 12))
    assert all(lo < hi for lo, hi in got)
    assert all(a[1] <= b[0] for a, b in zip(got, got[1:], strict=False))
    assert got[-1][1] == utc(2026, 3, 29, 2)  # 04:00 CEST
    assert business_time_between(spec, utc(2026, 3, 28, 12), utc(2026, 3, 29, 12)) == H


# --- ALWAYS, validation ---


def test_always_is_plain_elapsed_time():
    start = datetime(2026, 3, 29, 0, 30, tzinfo=LONDON)
    assert add_business_time(ALWAYS, start, 30 * H) == utc(2026, 3, 30, 6, 30)
    assert business_time_between(ALWAYS, utc(2026, 1, 1), utc(2026, 1, 11, 5)) == 245 * H
    assert working_intervals(ALWAYS, utc(2026, 1, 1), utc(2026, 1, 3)) == [
        (utc(2026, 1, 1), utc(2026, 1, 3))
    ]


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_business_time(LON, datetime(2026, 1, 12, 9), H),
        lambda: business_time_between(LON, datetime(2026, 1, 12, 9), utc(2026, 1, 13)),
        lambda: working_intervals(LON, utc(2026, 1, 12), datetime(2026, 1, 13)),
    ],
)
def test_naive_datetime_rejected(call):
    with pytest.raises(ValueError, match="naive"):
        call()


def test_empty_calendar_raises():
    empty = CalendarSpec(tz=LONDON, hours={d: () for d in range(7)})
    with pytest.raises(ValueError):
        add_business_time(empty, utc(2026, 1, 12), H)
    with pytest.raises(ValueError):
        add_business_time(CalendarSpec(tz=LONDON, hours={}), utc(2026, 1, 12), H)
    assert business_time_between(empty, utc(2026, 1, 1), utc(2027, 1, 1)) == timedelta()
    assert add_business_time(empty, utc(2026, 1, 12), timedelta()) == utc(2026, 1, 12)


def test_unreachable_target_raises_instead_of_looping():
    spec = CalendarSpec(tz=LONDON, hours={0: ((time(9), time(10)),)})
    with pytest.raises(ValueError):
        add_business_time(spec, utc(2026, 1, 1), 10_000 * H)


@pytest.mark.parametrize(
    "hours",
    [
        {0: ((time(10), time(9)),)},
        {0: ((time(9), time(9)),)},
        {0: ((time(9), time(12)), (time(11), time(17)))},
        {0: ((time(13), time(17)), (time(9), time(12)))},
        {0: ((time(9), time(0)), (time(1), time(2)))},
        {7: NINE_TO_FIVE},
    ],
)
def test_invalid_hours_rejected(hours):
    with pytest.raises(ValueError):
        CalendarSpec(tz=LONDON, hours=hours)


def test_round_trip_property():
    hyp = pytest.importorskip("hypothesis")
    st = hyp.strategies
    specs = [
        LON,
        weekdays(KOLKATA),
        always(NEW_YORK),
        every_day(BERLIN, ((time(0), time(6)),)),
        ALWAYS,
    ]
    instants = st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
    )
    durations = st.timedeltas(min_value=timedelta(), max_value=timedelta(hours=300))

    @hyp.settings(max_examples=300, deadline=None, database=None)
    @hyp.given(st.sampled_from(specs), instants, durations, durations)
    def check(spec, start, d, extra):
        due = add_business_time(spec, start, d)
        assert due >= start
        assert business_time_between(spec, start, due) == d
        t = start + extra
        assert add_business_time(spec, start, business_time_between(spec, start, t)) <= t

    check()
