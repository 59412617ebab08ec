"""Freeze windows and collision detection."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from changes import services
from changes.models import FreezeWindow
from changes.schedule import DEPENDENT_CI, SAME_CI, SAME_IMPLEMENTER, collisions_for
from changes.tests.factories import make_booked_change, make_change, make_item, setup, window
from itsm.errors import Refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return setup()


def booked(users, items, start, end, **fields):
    return make_booked_change(
        requested_by=users["chris"], configuration_items=items, start=start, end=end, **fields
    )


def test_overlapping_windows_on_the_same_item_collide(users):
    web = make_item("web-a")
    start, end = window()
    other = booked(users, [web], start, end)

    found = collisions_for(
        start=start + timedelta(hours=1), end=end + timedelta(hours=1), ci_ids=[web.pk]
    )

    assert [(c["change"], c["kind"]) for c in found] == [(other.number, SAME_CI)]


def test_touching_windows_do_not_collide(users):
    web = make_item("web-b")
    start, end = window()
    booked(users, [web], start, end)

    assert collisions_for(start=end, end=end + timedelta(hours=2), ci_ids=[web.pk]) == []
    assert collisions_for(start=start - timedelta(hours=2), end=start, ci_ids=[web.pk]) == []


def test_items_one_dependency_away_collide_in_either_direction(users):
    app, db, disk = make_item("app-c"), make_item("db-c"), make_item("disk-c")
    app.depends_on.add(db)
    db.depends_on.add(disk)
    start, end = window()
    on_db = booked(users, [db], start, end)

    assert [c["kind"] for c in collisions_for(start=start, end=end, ci_ids=[app.pk])] == [
        DEPENDENT_CI
    ]
    assert [c["change"] for c in collisions_for(start=start, end=end, ci_ids=[disk.pk])] == [
        on_db.number
    ]


def test_two_levels_away_does_not_collide(users):
    app, db, disk = make_item("app-d"), make_item("db-d"), make_item("disk-d")
    app.depends_on.add(db)
    db.depends_on.add(disk)
    start, end = window()
    booked(users, [disk], start, end)

    assert collisions_for(start=start, end=end, ci_ids=[app.pk]) == []


def test_an_implementer_booked_twice_collides(users):
    start, end = window()
    other = booked(users, [make_item("x-e")], start, end, implementer=users["ravi"])

    found = collisions_for(
        start=start, end=end, ci_ids=[make_item("y-e").pk], implementer_id=users["ravi"].pk
    )

    assert [(c["change"], c["kind"]) for c in found] == [(other.number, SAME_IMPLEMENTER)]


def test_windows_in_different_time_zones_compare_as_instants(users):
    web = make_item("web-f")
    start, end = window()
    booked(users, [web], start, end)
    tokyo = ZoneInfo("Asia/Tokyo")
    # The same instant as the other change's end, written in Tokyo time: touching.
    assert (
        collisions_for(
            start=end.astimezone(tokyo),
            end=(end + timedelta(hours=1)).astimezone(tokyo),
            ci_ids=[web.pk],
        )
        == []
    )
    overlapping = (end - timedelta(minutes=1)).astimezone(tokyo)
    assert (
        len(
            collisions_for(start=overlapping, end=overlapping + timedelta(hours=1), ci_ids=[web.pk])
        )
        == 1
    )


def test_scheduling_into_a_collision_needs_an_acknowledgement(users):
    web = make_item("web-g")
    start, end = window()
    other = booked(users, [web], start, end)
    change = make_change(requested_by=users["chris"], configuration_items=[web])
    services.change_transition(change_id=change.pk, name="submit", actor=users["chris"])

    with pytest.raises(Refused) as refused:
        services.change_transition(
            change_id=change.pk, name="request_authorisation", actor=users["chris"]
        )
    assert refused.value.code == "change_conflicts_unacknowledged"
    assert other.number in refused.value.message

    written = services.change_transition(
        change_id=change.pk,
        name="request_authorisation",
        actor=users["chris"],
        acknowledgement="Same maintenance night, agreed with the DBA.",
    )
    assert [c["change"] for c in written.conflicts] == [other.number]
    assert written.conflict_acknowledgement.startswith("Same maintenance")


def test_normal_changes_cannot_be_scheduled_in_a_freeze_but_emergencies_may(users):
    start, end = window()
    FreezeWindow.objects.create(
        name="Close", starts_at=start - timedelta(days=1), ends_at=end + timedelta(days=1)
    )
    normal = make_change(requested_by=users["chris"])
    services.change_transition(change_id=normal.pk, name="submit", actor=users["chris"])
    with pytest.raises(Refused) as refused:
        services.change_transition(
            change_id=normal.pk,
            name="request_authorisation",
            actor=users["chris"],
            acknowledgement="Please.",
        )
    assert refused.value.code == "change_in_freeze"

    emergency = make_change(requested_by=users["chris"])
    written = services.change_transition(
        change_id=emergency.pk,
        name="submit_emergency",
        actor=users["chris"],
        reason="Outage.",
        acknowledgement="Security fix cannot wait for the close.",
    )
    assert written.freeze_override_reason.startswith("Security fix")


def test_a_freeze_for_other_services_does_not_apply(users):
    from itsm.models import Service

    start, end = window()
    window_row = FreezeWindow.objects.create(
        name="Payroll", starts_at=start - timedelta(days=1), ends_at=end + timedelta(days=1)
    )
    window_row.services.add(Service.objects.create(name="Payroll run"))
    change = make_change(requested_by=users["chris"])
    services.change_transition(change_id=change.pk, name="submit", actor=users["chris"])
    written = services.change_transition(
        change_id=change.pk, name="request_authorisation", actor=users["chris"]
    )
    assert written.status == "authorisation"
