"""Validation of calendars, SLA targets, categories and escalation paths (model clean())."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from itsm.choices import RecordKind, Tier
from itsm.models import BusinessCalendar, Holiday, SlaPolicy, SlaTarget, WorkingHours
from itsm.tests.factories import CategoryFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar():
    return BusinessCalendar.objects.create(name="Test calendar", time_zone="Europe/London")


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def hours(calendar, weekday, start, end) -> WorkingHours:
    return WorkingHours(calendar=calendar, weekday=weekday, start=start, end=end)


def holiday(calendar, first, last, name="Holiday") -> Holiday:
    return Holiday(calendar=calendar, name=name, first_day=first, last_day=last)


@pytest.mark.parametrize(("start", "end"), [(time(17), time(9)), (time(9), time(9))])
def test_working_hours_must_end_after_they_start(calendar, start, end):
    errors = errors_of(hours(calendar, 0, start, end))

    assert errors["end"] == ["The end of working hours must be after the start."]


def test_working_hours_ending_at_midnight_are_accepted(calendar):
    evening = hours(calendar, 0, time(18), time(0))

    evening.full_clean()


@pytest.mark.parametrize(
    ("start", "end"),
    [(time(8), time(10)), (time(16), time(18)), (time(10), time(11)), (time(8), time(0))],
)
def test_overlapping_hours_on_the_same_day_are_rejected(calendar, start, end):
    hours(calendar, 0, time(9), time(17)).save()

    errors = errors_of(hours(calendar, 0, start, end))

    assert any("overlap" in message for message in errors["__all__"])


def test_hours_overlapping_a_shift_that_ends_at_midnight_are_rejected(calendar):
    hours(calendar, 4, time(22), time(0)).save()

    assert "__all__" in errors_of(hours(calendar, 4, time(23), time(23, 30)))


def test_adjacent_hours_and_other_days_are_accepted(calendar):
    hours(calendar, 0, time(9), time(12)).save()

    hours(calendar, 0, time(12), time(17)).full_clean()
    hours(calendar, 1, time(9), time(12)).full_clean()


def test_editing_hours_does_not_clash_with_themselves(calendar):
    morning = hours(calendar, 0, time(9), time(12))
    morning.save()
    morning.end = time(13)

    morning.full_clean()


def test_hours_on_another_calendar_do_not_clash(calendar):
    hours(calendar, 0, time(9), time(17)).save()
    other = BusinessCalendar.objects.create(name="Other", time_zone="UTC")

    hours(other, 0, time(9), time(17)).full_clean()


def test_holiday_last_day_before_first_day_is_rejected(calendar):
    errors = errors_of(holiday(calendar, date(2026, 12, 26), date(2026, 12, 25)))

    assert errors["last_day"] == ["The last day cannot be before the first day."]


def test_holiday_last_day_before_first_day_is_refused_by_the_database(calendar):
    backwards = holiday(calendar, date(2026, 12, 26), date(2026, 12, 25))

    with pytest.raises(IntegrityError), transaction.atomic():
        backwards.save()


def test_one_day_holiday_is_accepted(calendar):
    holiday(calendar, date(2026, 12, 25), date(2026, 12, 25)).full_clean()


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 12, 24), date(2026, 12, 25)),
        (date(2026, 12, 26), date(2026, 12, 28)),
        (date(2026, 12, 20), date(2026, 12, 31)),
    ],
)
def test_overlapping_holidays_are_rejected(calendar, first, last):
    holiday(calendar, date(2026, 12, 25), date(2026, 12, 26), name="Christmas").save()

    errors = errors_of(holiday(calendar, first, last))

    assert any("overlaps 'Christmas" in message for message in errors["__all__"])


def test_adjacent_holidays_are_accepted(calendar):
    holiday(calendar, date(2026, 12, 25), date(2026, 12, 26)).save()

    holiday(calendar, date(2026, 12, 27), date(2026, 12, 27)).full_clean()


def test_unknown_time_zone_is_rejected():
    errors = errors_of(BusinessCalendar(name="Mars office", time_zone="Mars/Olympus_Mons"))

    assert "not a known time zone" in errors["time_zone"][0]


def test_known_time_zone_is_accepted():
    BusinessCalendar(name="Tokyo office", time_zone="Asia/Tokyo").full_clean()


@pytest.fixture
def policy(calendar):
    return SlaPolicy.objects.create(name="Test policy", calendar=calendar)


def test_sla_resolution_shorter_than_response_is_rejected(policy):
    target = SlaTarget(policy=policy, priority=1, response_minutes=60, resolution_minutes=30)

    errors = errors_of(target)

    assert errors["resolution_minutes"] == [
        "The resolution target cannot be shorter than the response."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_sla_resolution_equal_to_response_is_accepted(policy):
    SlaTarget(policy=policy, priority=1, response_minutes=60, resolution_minutes=60).full_clean()


def test_sla_pause_on_must_be_a_list_of_codes(calendar):
    policy = SlaPolicy(name="Odd", calendar=calendar, pause_on={"on_hold": True})

    assert "pause_on" in errors_of(policy)


def test_subcategory_of_a_subcategory_is_rejected():
    network = CategoryFactory(name="Network")
    vpn = CategoryFactory(parent=network, name="VPN")

    errors = errors_of(CategoryFactory.build(parent=vpn, name="Client"))

    assert errors["parent"] == ["Subcategories cannot have subcategories."]


def test_subcategory_of_another_kind_is_rejected():
    network = CategoryFactory(kind=RecordKind.INCIDENT, name="Network")

    errors = errors_of(CategoryFactory.build(parent=network, kind=RecordKind.CHANGE, name="VPN"))

    assert errors["parent"] == ["A subcategory must be of its category's kind."]


def test_subcategory_of_the_same_kind_is_accepted():
    network = CategoryFactory(kind=RecordKind.INCIDENT, name="Network")

    CategoryFactory.build(parent=network, name="VPN").full_clean()


def test_team_cannot_escalate_to_itself():
    team = TeamFactory(tier=Tier.TIER1)
    team.escalates_to = team

    assert errors_of(team)["escalates_to"] == ["A group cannot escalate to itself."]


@pytest.mark.parametrize("target_tier", [Tier.TIER1, Tier.TIER2])
def test_team_cannot_escalate_to_a_lower_or_equal_tier(target_tier):
    team = TeamFactory(tier=Tier.TIER2)
    team.escalates_to = TeamFactory(tier=target_tier)

    errors = errors_of(team)

    assert errors["escalates_to"] == ["Escalation must go to a group at a higher tier."]


def test_team_escalating_to_a_higher_tier_is_accepted():
    team = TeamFactory(tier=Tier.TIER1)
    team.escalates_to = TeamFactory(tier=Tier.TIER2)

    team.full_clean()
