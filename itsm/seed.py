"""Reference data every installation needs: roles, the ITIL priority matrix, number
sequences and a default business calendar with an incident SLA policy.

Run by the data migration and again after every migrate or flush (post_migrate), so a
test that empties the database gets the same starting point back. Idempotent.
"""

from datetime import time

ROLES = [
    "employee",
    "service_desk",
    "service_desk_lead",
    "resolver",
    "problem_manager",
    "change_manager",
    "change_approver",
]

MATRIX = [
    ("high", "high", 1), ("high", "medium", 2), ("high", "low", 3),
    ("medium", "high", 2), ("medium", "medium", 3), ("medium", "low", 4),
    ("low", "high", 3), ("low", "medium", 4), ("low", "low", 5),
]  # fmt: skip

PREFIXES = ["INC", "PRB", "CHG", "REQ"]

# (priority, response minutes, resolution minutes) in business time.
TARGETS = [(1, 15, 240), (2, 30, 480), (3, 120, 1440), (4, 480, 2400), (5, 960, 4800)]

CALENDAR = "Business hours (Mon-Fri 09:00-17:00 UTC)"
POLICY = "Standard incident SLA"


def seed_reference_data(apps) -> None:
    """Create what is missing; ``apps`` is a migration's app registry or django.apps.apps."""
    model = apps.get_model
    for role in ROLES:
        model("auth", "Group").objects.get_or_create(name=role)
    for impact, urgency, priority in MATRIX:
        model("itsm", "PriorityMatrixCell").objects.get_or_create(
            impact=impact, urgency=urgency, defaults={"priority": priority}
        )
    for prefix in PREFIXES:
        model("itsm", "NumberSequence").objects.get_or_create(prefix=prefix)
    calendar, created = model("itsm", "BusinessCalendar").objects.get_or_create(
        name=CALENDAR, defaults={"time_zone": "UTC"}
    )
    if created:
        for weekday in range(5):
            model("itsm", "WorkingHours").objects.create(
                calendar=calendar, weekday=weekday, start=time(9), end=time(17)
            )
    Policy = model("itsm", "SlaPolicy")
    if Policy.objects.filter(kind="incident", is_default=True).exists():
        return
    policy, created = Policy.objects.get_or_create(
        name=POLICY,
        defaults={
            "kind": "incident",
            "calendar": calendar,
            "is_default": True,
            "pause_on": ["on_hold:awaiting_caller", "on_hold:awaiting_vendor"],
        },
    )
    if created:
        for priority, response, resolution in TARGETS:
            model("itsm", "SlaTarget").objects.create(
                policy=policy,
                priority=priority,
                response_minutes=response,
                resolution_minutes=resolution,
            )
