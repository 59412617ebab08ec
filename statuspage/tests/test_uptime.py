"""Uptime bars from the stored intervals, computed by the database."""

from datetime import UTC, datetime, timedelta

import pytest

from statuspage import services, uptime
from statuspage.tests.factories import make_component

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


def _outage(component, actor, start, minutes, status="major_outage"):
    services.component_set_status(
        component_id=component.pk, actor=actor, status=status, reason="Test", at=start
    )
    services.component_set_status(
        component_id=component.pk,
        actor=actor,
        status="",
        reason="Test",
        at=start + timedelta(minutes=minutes),
    )


def test_a_day_with_two_outages_counts_both(sam):
    component = make_component(actor=sam, created_at=NOW - timedelta(days=100))
    day = datetime(2026, 3, 20, tzinfo=UTC)
    _outage(component, sam, day + timedelta(hours=2), 60)
    _outage(component, sam, day + timedelta(hours=20), 30, status="partial_outage")

    row = uptime.uptime_rows([component.pk], now=NOW)[component.pk]

    bars = {start.date(): (seen, down, worst) for start, seen, down, worst in row["days"]}
    seen, down, worst = bars[day.date()]
    assert (seen, down) == (86400, 90 * 60)
    assert worst == 4  # major outage
    assert bars[(day - timedelta(days=1)).date()] == (86400, 0, 0)
    # 89 whole days and today's first 12 hours; 90 minutes down.
    assert row["seen"] == 89 * 86400 + 12 * 3600
    assert row["down"] == 90 * 60
    assert uptime.percentage(row["seen"], row["down"]) == round(
        100 * (1 - 5400 / (89 * 86400 + 43200)), 3
    )


def test_an_outage_over_midnight_is_split_between_the_days(sam):
    component = make_component(actor=sam, created_at=NOW - timedelta(days=100))
    _outage(component, sam, datetime(2026, 3, 10, 23, 0, tzinfo=UTC), 120)

    row = uptime.uptime_rows([component.pk], now=NOW)[component.pk]

    bars = {start.date(): down for start, _seen, down, _worst in row["days"]}
    assert bars[datetime(2026, 3, 10).date()] == 3600
    assert bars[datetime(2026, 3, 11).date()] == 3600


def test_a_component_added_mid_period_counts_only_its_own_time(sam):
    created = datetime(2026, 3, 30, 18, 0, tzinfo=UTC)
    component = make_component(actor=sam, created_at=created)
    _outage(component, sam, created + timedelta(hours=1), 60)

    row = uptime.uptime_rows([component.pk], now=NOW)[component.pk]

    assert row["seen"] == 18 * 3600  # 6 hours on the 30th, 12 today
    assert row["down"] == 3600
    days = row["days"]
    assert days[0][1:] == (0, 0, None)  # before it existed: no data
    assert days[-2][1:] == (6 * 3600, 3600, 4)
    assert uptime.percentage(0, 0) is None


def test_degraded_and_maintenance_count_as_up(sam):
    component = make_component(actor=sam, created_at=NOW - timedelta(days=10))
    _outage(component, sam, NOW - timedelta(days=2), 60, status="degraded_performance")
    _outage(component, sam, NOW - timedelta(days=1), 60, status="under_maintenance")

    row = uptime.uptime_rows([component.pk], now=NOW)[component.pk]

    assert row["down"] == 0
    assert uptime.percentage(row["seen"], row["down"]) == 100.0


def test_one_query_for_every_component(sam, django_assert_num_queries):
    components = [make_component(actor=sam) for _ in range(3)]

    with django_assert_num_queries(1):
        rows = uptime.uptime_rows([c.pk for c in components])
    assert set(rows) == {c.pk for c in components}
