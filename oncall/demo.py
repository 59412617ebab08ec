"""Demo on-call data: schedules for the network and service-desk groups (rotations and an
override), an escalation policy, a chat webhook (switched off: the demo posts nowhere) and
a page waiting to be acknowledged. Found again by natural keys, so a second run creates
nothing."""

from datetime import date, time, timedelta

from django.utils import timezone

from incidents.choices import OPEN_STATUSES
from incidents.models import Incident
from itsm.models import Team
from oncall import services
from oncall.choices import LevelTarget, ShiftUnit, WebhookKind
from oncall.models import (
    ChatWebhook,
    EscalationLevel,
    EscalationPolicy,
    Override,
    Page,
    Rotation,
    RotationMember,
    Schedule,
)

START = date(2026, 1, 5)  # a Monday


def _rotation(schedule, position, name, members, **fields):
    rotation, _ = Rotation.objects.get_or_create(
        schedule=schedule,
        position=position,
        defaults={"name": name, "starts_on": START, "time_zone": "Europe/Berlin", **fields},
    )
    for index, user in enumerate(members):
        RotationMember.objects.get_or_create(
            rotation=rotation, user=user, defaults={"position": index}
        )
    return rotation


def _network(users, team):
    schedule, _ = Schedule.objects.get_or_create(team=team, defaults={"name": f"{team} on call"})
    primary = _rotation(
        schedule, 0, "Primary (weekly)", [users["ravi"], users["nina"]], handoff_time=time(9)
    )
    secondary = _rotation(
        schedule,
        1,
        "Secondary (daily)",
        [users["nina"], users["ravi"]],
        handoff_time=time(9),
        shift_length=1,
        shift_unit=ShiftUnit.DAYS,
    )
    if not primary.overrides.exists():
        start = (timezone.now() + timedelta(days=1)).replace(
            hour=17, minute=0, second=0, microsecond=0
        )
        Override.objects.create(
            rotation=primary,
            user=users["nina"],
            starts_at=start,
            ends_at=start + timedelta(hours=5),
            reason="Evening swap (demo).",
        )
    policy, created = EscalationPolicy.objects.get_or_create(
        team=team, defaults={"name": f"{team} escalation", "repeat_count": 1}
    )
    if created:
        EscalationLevel.objects.create(
            policy=policy, position=0, target=LevelTarget.ON_CALL, delay_minutes=10
        )
        EscalationLevel.objects.create(
            policy=policy,
            position=1,
            target=LevelTarget.ROTATION,
            rotation=secondary,
            delay_minutes=10,
        )
        EscalationLevel.objects.create(
            policy=policy, position=2, target=LevelTarget.MANAGER, delay_minutes=15
        )
    ChatWebhook.objects.get_or_create(
        team=team,
        name="#netops (Mattermost)",
        defaults={
            "kind": WebhookKind.MATTERMOST,
            "url": "https://chat.example.com/hooks/netops-demo",
            "is_active": False,
        },
    )


def _service_desk(users, team):
    schedule, _ = Schedule.objects.get_or_create(team=team, defaults={"name": f"{team} on call"})
    _rotation(
        schedule,
        0,
        "Business hours",
        [users["sam"], users["dana"]],
        handoff_time=time(8),
        shift_length=1,
        shift_unit=ShiftUnit.DAYS,
        weekdays="01234",
        active_from=time(8),
        active_until=time(18),
    )


def load(users):
    network = Team.objects.filter(name="Network Operations").first()
    desk = Team.objects.filter(name="Service Desk").first()
    if network is None or desk is None:
        return
    _network(users, network)
    _service_desk(users, desk)
    if Page.objects.exists():
        return
    incident = (
        Incident.objects.filter(assignment_group=network, priority__lte=2, status__in=OPEN_STATUSES)
        .order_by("-created_at")
        .first()
    )
    if incident is not None:
        services.page_incident(incident_id=incident.pk)
