"""Change test data, always made through the services."""

import itertools
from datetime import timedelta

from django.utils import timezone

from changes import services
from changes.policies import ensure_approval_setup
from itsm.demo.people import load_people
from itsm.models import ConfigurationItem

_titles = itertools.count(1)
PLANS = {
    "implementation_plan": "1. Drain the node. 2. Patch. 3. Return it to the pool.",
    "backout_plan": "Restore the snapshot taken before step 2.",
    "test_plan": "Health check green for 15 minutes.",
}


def window(days: int = 7, hours: int = 2, start_hour: int = 22):
    start = (timezone.now() + timedelta(days=days)).replace(
        hour=start_hour, minute=0, second=0, microsecond=0
    )
    return start, start + timedelta(hours=hours)


def setup():
    users = load_people()
    ensure_approval_setup(users)
    return users


def make_item(name: str, **fields) -> ConfigurationItem:
    return ConfigurationItem.objects.get_or_create(name=name, defaults=fields)[0]


def approved_version(*, author, approver, items=(), risk="low", name="Patch a web node"):
    from changes.models import StandardChangeTemplate

    template = StandardChangeTemplate.objects.filter(name=name).first()
    if template is None:
        template = services.template_create(actor=author, name=name, description="Monthly patch.")
    version = services.template_version_create(
        actor=author,
        template_id=template.pk,
        risk=risk,
        configuration_items=items,
        **PLANS,
    )
    return services.template_version_decide(
        version_id=version.pk, actor=approver, decision="approved"
    )


def make_change(*, requested_by, days: int = 7, **fields):
    """A normal change with plans and a window a week ahead."""
    start, end = window(days)
    fields.setdefault("title", f"Patch the web tier ({next(_titles)})")
    fields.setdefault("planned_start", start)
    fields.setdefault("planned_end", end)
    for name, value in PLANS.items():
        fields.setdefault(name, value)
    fields.setdefault("risk_answers", {"users_affected": 10, "backout_tested": True})
    return services.change_create(actor=requested_by, **fields)


def make_standard_change(*, requested_by, days: int = 7, **fields):
    users = setup()
    item = make_item(f"web-{next(_titles)}")
    version = approved_version(author=users["chris"], approver=users["alex"], items=[item])
    start, end = window(days)
    fields.setdefault("planned_start", start)
    fields.setdefault("planned_end", end)
    return services.change_create_from_template(actor=requested_by, version_id=version.pk, **fields)


def make_booked_change(*, requested_by, configuration_items, start, end, **fields):
    """A normal change awaiting authorisation (holding its window), collisions acknowledged."""
    change = make_change(
        requested_by=requested_by,
        configuration_items=configuration_items,
        planned_start=start,
        planned_end=end,
        **fields,
    )
    services.change_transition(change_id=change.pk, name="submit", actor=requested_by)
    return services.change_transition(
        change_id=change.pk,
        name="request_authorisation",
        actor=requested_by,
        acknowledgement="Known.",
    )


def make_implemented_change(*, requested_by):
    """A standard change on one item, implemented a moment ago (now in review)."""
    change = make_standard_change(requested_by=requested_by)
    for name in ("schedule_standard", "start", "complete"):
        change = services.change_transition(change_id=change.pk, name=name, actor=requested_by)
    return change
