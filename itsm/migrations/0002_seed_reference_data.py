from datetime import time

from django.db import migrations

ROLES = ["employee", "service_desk", "resolver", "problem_manager", "change_manager", "change_approver"]

MATRIX = [
    ("high", "high", 1), ("high", "medium", 2), ("high", "low", 3),
    ("medium", "high", 2), ("medium", "medium", 3), ("medium", "low", 4),
    ("low", "high", 3), ("low", "medium", 4), ("low", "low", 5),
]

# (priority, response minutes, resolution minutes) in business time.
TARGETS = [(1, 15, 240), (2, 30, 480), (3, 120, 1440), (4, 480, 2400), (5, 960, 4800)]


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    Cell = apps.get_model("itsm", "PriorityMatrixCell")
    for impact, urgency, priority in MATRIX:
        Cell.objects.get_or_create(impact=impact, urgency=urgency, defaults={"priority": priority})
    Sequence = apps.get_model("itsm", "NumberSequence")
    for prefix in ["INC", "PRB", "CHG", "REQ"]:
        Sequence.objects.get_or_create(prefix=prefix)
    Calendar = apps.get_model("itsm", "BusinessCalendar")
    Hours = apps.get_model("itsm", "WorkingHours")
    business, created = Calendar.objects.get_or_create(
        name="Business hours (Mon-Fri 09:00-17:00 UTC)", defaults={"time_zone": "UTC"}
    )
    if created:
        for weekday in range(5):
            Hours.objects.create(calendar=business, weekday=weekday, start=time(9), end=time(17))
    Policy = apps.get_model("itsm", "SlaPolicy")
    Target = apps.get_model("itsm", "SlaTarget")
    policy, created = Policy.objects.get_or_create(
        name="Standard incident SLA",
        defaults={
            "kind": "incident",
            "calendar": business,
            "is_default": True,
            "pause_on": ["on_hold:awaiting_caller", "on_hold:awaiting_vendor"],
        },
    )
    if created:
        for priority, response, resolution in TARGETS:
            Target.objects.create(
                policy=policy,
                priority=priority,
                response_minutes=response,
                resolution_minutes=resolution,
            )


class Migration(migrations.Migration):
    dependencies = [("itsm", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
