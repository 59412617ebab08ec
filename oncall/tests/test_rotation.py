"""The on-call arithmetic: hand-offs at local wall-clock time across DST, active weekdays
and hours, overrides, and shifts with gaps."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from oncall.rotation import (
    OverrideSpec,
    RotationSpec,
    on_call_at,
    rotation_member,
    shift_start,
    shifts_between,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
A, B, C = 1, 2, 3


def daily(zone="Europe/Berlin", **fields):
    values = {
        "members": (A, B),
        "time_zone": zone,
        "starts_on": date(2026, 3, 1),
        "handoff": time(9),
        "length": timedelta(days=1),
        **fields,
    }
    return RotationSpec(**values)


def local(zone, *parts, fold=0):
    return datetime(*parts, tzinfo=zone, fold=fold)


def test_daily_handoff_stays_at_nine_across_spring_forward():
    spec = daily()
    # Berlin springs forward on 29 March 2026 at 02:00 -> 03:00.
    before = shift_start(spec, 27)  # starts 28 March 09:00 CET
    after = shift_start(spec, 28)  # starts 29 March 09:00 CEST
    assert (
        before
        == local(BERLIN, 2026, 3, 28, 9).astimezone(UTC)
        == datetime(2026, 3, 28, 8, tzinfo=UTC)
    )
    assert after == datetime(2026, 3, 29, 7, tzinfo=UTC)
    assert after - before == timedelta(hours=23)
    shifts = shifts_between(spec, [], before, after + timedelta(hours=1))
    assert [(s.user, s.end - s.start) for s in shifts] == [
        (B, timedelta(hours=23)),
        (A, timedelta(hours=1)),
    ]


def test_daily_handoff_stays_at_nine_across_fall_back():
    spec = daily()
    # Berlin falls back on 25 October 2026 at 03:00 -> 02:00.
    start = local(BERLIN, 2026, 10, 24, 9).astimezone(UTC)
    end = local(BERLIN, 2026, 10, 25, 9).astimezone(UTC)
    shifts = shifts_between(spec, [], start, end)
    assert len(shifts) == 1 and shifts[0].end - shifts[0].start == timedelta(hours=25)
    # Both 02:30s of the repeated hour belong to the same shift.
    first = local(BERLIN, 2026, 10, 25, 2, 30, fold=0).astimezone(UTC)
    second = local(BERLIN, 2026, 10, 25, 2, 30, fold=1).astimezone(UTC)
    assert second - first == timedelta(hours=1)
    assert rotation_member(spec, first) == rotation_member(spec, second) == shifts[0].user


def test_new_york_twelve_hour_shifts_hand_off_at_eight_local_across_dst():
    spec = daily("America/New_York", members=(A, B), handoff=time(8), length=timedelta(hours=12))
    # New York springs forward on 8 March 2026 at 02:00.
    start = local(NEW_YORK, 2026, 3, 7, 20).astimezone(UTC)
    end = local(NEW_YORK, 2026, 3, 8, 20).astimezone(UTC)
    shifts = shifts_between(spec, [], start, end)
    assert [s.start.astimezone(NEW_YORK).hour for s in shifts] == [20, 8]
    assert [s.end - s.start for s in shifts] == [timedelta(hours=11), timedelta(hours=12)]
    # And falls back on 1 November 2026: the night shift lasts 13 hours.
    night = local(NEW_YORK, 2026, 10, 31, 20).astimezone(UTC)
    shifts = shifts_between(spec, [], night, night + timedelta(hours=13))
    assert len(shifts) == 1
    assert shifts[0].end.astimezone(NEW_YORK).hour == 8


def test_handoff_in_the_skipped_hour_uses_the_offset_before_the_change():
    spec = daily(handoff=time(2, 30))
    start = shift_start(spec, 28)  # 29 March 02:30 does not exist in Berlin
    assert start == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert start.astimezone(BERLIN).hour == 3


def test_members_take_turns_and_nobody_before_the_start():
    spec = daily(zone="UTC")
    assert rotation_member(spec, datetime(2026, 3, 1, 8, 59, tzinfo=UTC)) is None
    assert rotation_member(spec, datetime(2026, 3, 1, 9, tzinfo=UTC)) == A
    assert rotation_member(spec, datetime(2026, 3, 2, 8, 59, tzinfo=UTC)) == A
    assert rotation_member(spec, datetime(2026, 3, 2, 9, tzinfo=UTC)) == B
    assert rotation_member(spec, datetime(2026, 3, 3, 9, tzinfo=UTC)) == A


def test_business_hours_leave_gaps_at_night_and_weekends():
    spec = daily(
        zone="Europe/Berlin",
        weekdays=frozenset(range(5)),
        active_from=time(8),
        active_until=time(18),
    )
    friday = local(BERLIN, 2026, 3, 27, 12).astimezone(UTC)
    assert rotation_member(spec, friday) is not None
    assert rotation_member(spec, friday + timedelta(hours=7)) is None  # 19:00
    assert rotation_member(spec, local(BERLIN, 2026, 3, 28, 12).astimezone(UTC)) is None
    shifts = shifts_between(
        spec, [], local(BERLIN, 2026, 3, 27, 0).astimezone(UTC), friday + timedelta(days=3)
    )
    gaps = [s for s in shifts if s.is_gap]
    assert gaps and all(s.user is None for s in gaps)
    monday = [s for s in shifts if s.start.astimezone(BERLIN).date() == date(2026, 3, 30)]
    # Monday (after the DST change): cover from 08:00 local, the hand-off at 09:00 local.
    assert [s.start.astimezone(BERLIN).hour for s in monday if s.user] == [8, 9]


def test_overnight_window_counts_from_the_day_it_starts():
    spec = daily(zone="UTC", weekdays=frozenset({4}), active_from=time(22), active_until=time(6))
    friday_night = datetime(2026, 3, 6, 23, tzinfo=UTC)  # a Friday
    assert rotation_member(spec, friday_night) is not None
    assert rotation_member(spec, friday_night + timedelta(hours=6)) is not None  # Sat 05:00
    assert rotation_member(spec, friday_night + timedelta(hours=8)) is None
    assert rotation_member(spec, friday_night - timedelta(days=1)) is None  # Thursday


def test_overrides_replace_anyone_one_person_or_fill_a_gap():
    spec = daily(zone="UTC")
    at = datetime(2026, 3, 1, 12, tzinfo=UTC)  # A's shift
    period = (at - timedelta(hours=1), at + timedelta(hours=1))
    assert on_call_at(spec, [OverrideSpec(C, *period)], at) == (C, True)
    assert on_call_at(spec, [OverrideSpec(C, *period, replaces=B)], at) == (A, False)
    assert on_call_at(spec, [OverrideSpec(C, *period, replaces=A)], at) == (C, True)
    # The last override listed wins; an override before the rotation starts fills the gap.
    both = [OverrideSpec(C, *period), OverrideSpec(B, *period)]
    assert on_call_at(spec, both, at) == (B, True)
    early = datetime(2026, 2, 1, tzinfo=UTC)
    assert on_call_at(spec, [OverrideSpec(C, early, early + timedelta(hours=2))], early) == (
        C,
        True,
    )


def test_shifts_between_cut_at_overrides_and_merge_neighbours():
    spec = daily(zone="Europe/Berlin")
    start = local(BERLIN, 2026, 3, 28, 9).astimezone(UTC)
    cover = OverrideSpec(C, start + timedelta(hours=2), start + timedelta(hours=4), replaces=B)
    shifts = shifts_between(spec, [cover], start, start + timedelta(hours=23))
    assert [(s.user, s.override, s.end - s.start) for s in shifts] == [
        (B, False, timedelta(hours=2)),
        (C, True, timedelta(hours=2)),
        (B, False, timedelta(hours=19)),
    ]
    assert all(a.end == b.start for a, b in zip(shifts, shifts[1:], strict=False))


def test_without_a_rotation_only_overrides_count():
    at = datetime(2026, 3, 1, tzinfo=UTC)
    shifts = shifts_between(
        None, [OverrideSpec(A, at, at + timedelta(hours=1))], at, at + timedelta(hours=2)
    )
    assert [(s.user, s.override) for s in shifts] == [(A, True), (None, False)]
