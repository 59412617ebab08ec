"""Maintenance windows: an approved change with an outage drives its window through its
states; a hand-entered window follows the clock."""

from datetime import timedelta

import pytest
from django.utils import timezone

from changes import services as change_services
from changes.tests.factories import approved_version, make_item, setup, window
from statuspage import services
from statuspage.models import Component, Maintenance
from statuspage.tests.factories import make_component

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(db):
    return setup()


def _change(users, component, *, outage=True):
    version = approved_version(
        author=users["chris"], approver=users["alex"], items=[make_item("vpn-gw-01")]
    )
    version.services.add(component.service)
    start, end = window(3)
    return change_services.change_create_from_template(
        actor=users["chris"],
        version_id=version.pk,
        planned_start=start,
        planned_end=end,
        outage_expected=outage,
    )


def _run(users, change, *names):
    for name in names:
        change_services.change_transition(change_id=change.pk, name=name, actor=users["chris"])


def test_a_change_with_an_outage_drives_its_window(users, django_capture_on_commit_callbacks):
    component = make_component(actor=users["sam"])
    with django_capture_on_commit_callbacks(execute=True):
        change = _change(users, component)
    assert not Maintenance.objects.exists()  # a draft is not announced

    with django_capture_on_commit_callbacks(execute=True):
        _run(users, change, "schedule_standard")
    maintenance = Maintenance.objects.get(change=change)
    assert maintenance.state == "upcoming"
    assert list(maintenance.components.all()) == [component]
    assert change.title not in maintenance.title  # the internal title stays inside

    with django_capture_on_commit_callbacks(execute=True):
        _run(users, change, "start")
    maintenance.refresh_from_db()
    assert maintenance.state == "in_progress"
    assert Component.objects.get(pk=component.pk).status == "under_maintenance"

    with django_capture_on_commit_callbacks(execute=True):
        _run(users, change, "complete")
    maintenance.refresh_from_db()
    assert maintenance.state == "completed"
    assert Component.objects.get(pk=component.pk).status == "operational"


def test_a_change_without_an_outage_is_not_announced(users, django_capture_on_commit_callbacks):
    component = make_component(actor=users["sam"])
    with django_capture_on_commit_callbacks(execute=True):
        change = _change(users, component, outage=False)
        _run(users, change, "schedule_standard", "start")

    assert not Maintenance.objects.exists()


def test_a_cancelled_change_cancels_its_window(users, django_capture_on_commit_callbacks):
    component = make_component(actor=users["sam"])
    with django_capture_on_commit_callbacks(execute=True):
        change = _change(users, component)
        _run(users, change, "schedule_standard")
    with django_capture_on_commit_callbacks(execute=True):
        change_services.change_transition(
            change_id=change.pk, name="cancel", actor=users["chris"], reason="Vendor delay."
        )

    assert Maintenance.objects.get(change=change).state == "cancelled"


def test_a_hand_entered_window_follows_the_clock(users):
    sam = users["sam"]
    component = make_component(actor=sam)
    now = timezone.now()
    maintenance = services.maintenance_create(
        actor=sam,
        title="Database failover test",
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
        components=[component],
    )
    assert maintenance.state == "upcoming"

    assert services.maintenance_tick(now=now + timedelta(minutes=90)) == [maintenance.pk]
    assert Component.objects.get(pk=component.pk).status == "under_maintenance"
    services.maintenance_tick(now=now + timedelta(hours=3))
    maintenance.refresh_from_db()
    assert maintenance.state == "completed"
    assert Component.objects.get(pk=component.pk).status == "operational"


def test_a_window_must_end_after_it_starts(users):
    from itsm.errors import Refused

    now = timezone.now()
    with pytest.raises(Refused):
        services.maintenance_create(
            actor=users["sam"],
            title="Backwards",
            starts_at=now,
            ends_at=now,
            components=[make_component(actor=users["sam"])],
        )
