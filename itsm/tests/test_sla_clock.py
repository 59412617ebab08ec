from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from itsm.sla.calendar import ALWAYS, CalendarSpec, business_time_between
from itsm.sla.clock import Pause, compute_clock, due_at, threshold_at, thresholds_at

H = timedelta(hours=1)
M = timedelta(minutes=1)
LONDON = ZoneInfo("Europe/London")
# Mon-Fri 09:00-17:00; in January London time equals UTC.
LON = CalendarSpec(tz=LONDON, hours={d: ((time(9), time(17)),) for d in range(5)})
NY = CalendarSpec(
    tz=ZoneInfo("America/New_York"), hours={d: ((time(9), time(17)),) for d in range(5)}
)


def mon(hour, minute=0):
    return datetime(2026, 1, 12, hour, minute, tzinfo=UTC)


def tue(hour, minute=0):
    return datetime(2026, 1, 13, hour, minute, tzinfo=UTC)


def clock(target=4 * H, pauses=(), now=None, **kw):
    now = now or mon(11)
    return compute_clock(LON, started_at=mon(9), target=target, pauses=pauses, now=now, **kw)


def test_running_clock_without_pauses():
    c = clock()
    assert c.elapsed == 2 * H
    assert c.paused == timedelta()
    assert c.remaining == 2 * H
    assert c.percent == 50.0
    assert c.due_at == mon(13)
    assert not c.breached and not c.is_paused
    assert c.stopped_at is None
    assert c.counted == ((mon(9), mon(11)),)
    assert c.paused_intervals == ()


def test_two_pauses_in_a_day_accumulate():
    pauses = [Pause(mon(10), mon(10, 30)), Pause(mon(11), mon(12))]
    c = clock(pauses=pauses, now=mon(14))
    assert c.elapsed == 3 * H + 30 * M
    assert c.paused == 90 * M
    assert c.due_at == mon(14, 30)
    assert c.counted == ((mon(9), mon(10)), (mon(10, 30), mon(11)), (mon(12), mon(14)))
    assert c.paused_intervals == ((mon(10), mon(10, 30)), (mon(11), mon(12)))


def test_overlapping_unsorted_pauses_are_merged():
    pauses = [Pause(mon(11), mon(12)), Pause(mon(10), mon(10, 30)), Pause(mon(11, 30), mon(12, 30))]
    c = clock(pauses=pauses, now=mon(14))
    assert c.paused == 2 * H
    assert c.elapsed == 3 * H
    assert c.paused_intervals == ((mon(10), mon(10, 30)), (mon(11), mon(12, 30)))
    assert c.due_at == mon(15)


def test_pause_outside_business_hours_costs_nothing():
    pauses = [Pause(mon(17), tue(9))]
    c = clock(pauses=pauses, now=tue(10))
    assert c.paused == timedelta()
    assert c.elapsed == 9 * H
    assert c.due_at == mon(13)
    assert c.breached


def test_pause_before_start_is_clipped():
    c = clock(pauses=[Pause(mon(8), mon(10))], now=mon(12))
    assert c.paused == H
    assert c.elapsed == 2 * H
    assert c.due_at == mon(14)


def test_open_pause_freezes_clock():
    c = clock(pauses=[Pause(mon(11))], now=mon(15))
    assert c.is_paused
    assert c.elapsed == 2 * H
    assert c.paused == 4 * H
    assert c.remaining == 2 * H
    assert c.due_at is None
    assert c.paused_intervals == ((mon(11), mon(15)),)


def test_open_pause_after_target_reached_keeps_past_due():
    c = clock(target=H, pauses=[Pause(mon(11))], now=mon(15))
    assert c.due_at == mon(10)
    assert c.breached
    assert c.percent == 200.0


def test_closed_pause_covering_now_is_paused_but_has_due():
    c = clock(pauses=[Pause(mon(10), mon(12))], now=mon(11))
    assert c.is_paused
    assert c.elapsed == H
    assert c.due_at == mon(15)


def test_stopped_clock_freezes_at_stop():
    c = clock(now=tue(12), stopped_at=mon(12))
    assert c.elapsed == 3 * H
    assert c.stopped_at == mon(12)
    assert not c.is_paused and not c.breached
    assert c.due_at == mon(13)


def test_stopped_while_paused_closes_pause_at_stop():
    c = clock(pauses=[Pause(mon(11))], now=tue(12), stopped_at=mon(12))
    assert not c.is_paused
    assert c.elapsed == 2 * H
    assert c.paused == H
    assert c.due_at == mon(14)


def test_target_change_carries_elapsed_and_moves_due():
    pauses = [Pause(mon(10), mon(10, 30))]
    before = clock(target=4 * H, pauses=pauses, now=mon(12))
    assert (before.elapsed, before.paused, before.due_at) == (150 * M, 30 * M, mon(13, 30))

    raised = clock(target=8 * H, pauses=pauses, now=mon(12))
    assert (raised.elapsed, raised.paused) == (before.elapsed, before.paused)
    assert raised.due_at == tue(9, 30)
    assert raised.remaining == 330 * M

    lowered = clock(target=2 * H, pauses=pauses, now=mon(12))
    assert (lowered.elapsed, lowered.paused) == (before.elapsed, before.paused)
    assert lowered.due_at == mon(11, 30)
    assert lowered.breached and lowered.remaining == timedelta()
    assert lowered.percent == 125.0


def test_breach_over_weekend():
    fri = datetime(2026, 1, 9, 15, tzinfo=LONDON)
    c = compute_clock(LON, started_at=fri, target=4 * H, pauses=[], now=mon(12))
    assert c.elapsed == 5 * H
    assert c.due_at == mon(11)
    assert c.breached
    assert c.percent == 125.0


def test_started_outside_hours():
    sat = datetime(2026, 1, 10, 10, tzinfo=LONDON)
    c = compute_clock(LON, started_at=sat, target=2 * H, pauses=[], now=mon(10))
    assert c.elapsed == H
    assert c.due_at == mon(11)
    assert c.counted == ((mon(9), mon(10)),)


def test_new_york_clock_due_in_utc():
    # Monday 15:00 EST == 20:00 UTC; 4h target -> Tuesday 11:00 EST == 16:00 UTC.
    c = compute_clock(NY, started_at=mon(20), target=4 * H, pauses=[], now=mon(21))
    assert c.elapsed == H
    assert c.due_at == tue(16)


def test_zero_target_is_immediately_full():
    c = clock(target=timedelta(), pauses=[Pause(mon(9))], now=mon(9))
    assert c.percent == 100.0
    assert c.due_at == mon(9)
    assert not c.breached


def test_always_clock():
    start = datetime(2026, 1, 10, 22, tzinfo=UTC)
    c = compute_clock(
        ALWAYS,
        started_at=start,
        target=24 * H,
        pauses=[Pause(start + H, start + 3 * H)],
        now=start + 5 * H,
    )
    assert c.elapsed == 3 * H
    assert c.paused == 2 * H
    assert c.due_at == start + 26 * H


def test_due_at_and_threshold_at():
    fri = datetime(2026, 1, 9, 15, tzinfo=LONDON)
    assert due_at(LON, started_at=fri, target=4 * H, pauses=[]) == mon(11)
    assert threshold_at(LON, started_at=fri, target=4 * H, pauses=[], fraction=0.75) == mon(10)
    pauses = [Pause(mon(9), mon(9, 30))]
    assert threshold_at(LON, started_at=fri, target=4 * H, pauses=pauses, fraction=0.75) == mon(
        10, 30
    )
    assert due_at(LON, started_at=fri, target=4 * H, pauses=pauses) == mon(11, 30)
    assert due_at(LON, started_at=fri, target=4 * H, pauses=[Pause(mon(9))]) is None
    c = compute_clock(LON, started_at=fri, target=4 * H, pauses=pauses, now=mon(9))
    assert c.due_at == due_at(LON, started_at=fri, target=4 * H, pauses=pauses)


def test_due_at_across_dst_in_new_york():
    # Friday 2026-03-06 15:00 EST (20:00 UTC) + 4h -> Monday 11:00 EDT (15:00 UTC).
    fri = datetime(2026, 3, 6, 20, tzinfo=UTC)
    assert due_at(NY, started_at=fri, target=4 * H, pauses=[]) == datetime(
        2026, 3, 9, 15, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"started_at": datetime(2026, 1, 12, 9)},
        {"now": datetime(2026, 1, 12, 11)},
        {"stopped_at": datetime(2026, 1, 12, 11)},
        {"pauses": [Pause(datetime(2026, 1, 12, 10), None)]},
    ],
)
def test_naive_datetimes_rejected(kwargs):
    args = {"started_at": mon(9), "target": 4 * H, "pauses": [], "now": mon(11)} | kwargs
    with pytest.raises(ValueError, match="naive"):
        compute_clock(LON, **args)


def test_invalid_inputs_rejected():
    with pytest.raises(ValueError):
        clock(pauses=[Pause(mon(11), mon(10))])
    with pytest.raises(ValueError):
        clock(target=-H)


def test_clock_property():
    hyp = pytest.importorskip("hypothesis")
    st = hyp.strategies
    base = datetime(2026, 1, 5, tzinfo=UTC)
    offsets = st.integers(min_value=0, max_value=14 * 24 * 60).map(lambda m: base + m * M)
    pause = st.tuples(offsets, st.one_of(st.none(), st.integers(0, 3000))).map(
        lambda p: Pause(p[0], None if p[1] is None else p[0] + p[1] * M)
    )

    @hyp.settings(max_examples=200, deadline=None, database=None)
    @hyp.given(offsets, offsets, st.lists(pause, max_size=4), st.integers(0, 60 * 40))
    def check(start, now, pauses, target_minutes):
        start, now = min(start, now), max(start, now)
        target = target_minutes * M
        c = compute_clock(LON, started_at=start, target=target, pauses=pauses, now=now)
        assert c.elapsed + c.paused == business_time_between(LON, start, now)
        assert c.elapsed == sum((hi - lo for lo, hi in c.counted), timedelta())
        if c.due_at is not None:
            assert c.due_at >= start
            reached = compute_clock(
                LON, started_at=start, target=target, pauses=pauses, now=c.due_at
            )
            assert reached.elapsed == target or (reached.is_paused and reached.elapsed >= target)
            assert (c.elapsed >= target) == (c.due_at <= now)
        other = compute_clock(LON, started_at=start, target=target + H, pauses=pauses, now=now)
        assert (other.elapsed, other.paused) == (c.elapsed, c.paused)

    check()


def test_thresholds_in_one_walk_match_one_at_a_time():
    hyp = pytest.importorskip("hypothesis")
    st = hyp.strategies
    base = datetime(2026, 1, 5, tzinfo=UTC)
    offsets = st.integers(min_value=0, max_value=14 * 24 * 60).map(lambda m: base + m * M)
    pause = st.tuples(offsets, st.one_of(st.none(), st.integers(0, 3000))).map(
        lambda p: Pause(p[0], None if p[1] is None else p[0] + p[1] * M)
    )
    fractions = st.lists(st.sampled_from([0, 0.25, 0.5, 0.75, 1.0, 1.5]), max_size=4)

    @hyp.settings(max_examples=200, deadline=None, database=None)
    @hyp.given(offsets, st.lists(pause, max_size=4), st.integers(0, 60 * 40), fractions, offsets)
    def check(start, pauses, target_minutes, wanted, stop):
        kwargs = {"started_at": start, "target": target_minutes * M, "pauses": pauses}
        kwargs["stopped_at"] = stop if stop > start else None
        together = thresholds_at(LON, fractions=wanted, **kwargs)
        alone = [threshold_at(LON, fraction=f, **kwargs) for f in wanted]
        assert together == alone

    check()
