"""The default SLA policy for service requests: business-hours targets per priority, the
clocks paused while approvers decide."""

from django.db import migrations

from itsm.seed import CALENDAR

NAME = "Service requests (standard)"
# priority, response minutes, resolution minutes (business time, 8-hour days)
TARGETS = [(1, 60, 480), (2, 120, 960), (3, 240, 1440), (4, 480, 2400), (5, 960, 4800)]


def seed(apps, schema_editor):
    Policy = apps.get_model("itsm", "SlaPolicy")
    if Policy.objects.filter(kind="request", is_default=True).exists():
        return
    calendar = apps.get_model("itsm", "BusinessCalendar").objects.filter(name=CALENDAR).first()
    if calendar is None:
        return
    policy = Policy.objects.create(
        name=NAME,
        kind="request",
        calendar=calendar,
        is_default=True,
        pause_on=["awaiting_approval"],
    )
    Target = apps.get_model("itsm", "SlaTarget")
    for priority, response, resolution in TARGETS:
        Target.objects.create(
            policy=policy,
            priority=priority,
            response_minutes=response,
            resolution_minutes=resolution,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0001_catalogue_requests_tasks"),
        ("itsm", "0002_seed_reference_data"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
