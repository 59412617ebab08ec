"""On-call test data: a network schedule with two rotations and a three-level policy."""

from datetime import UTC, date, datetime, time

from incidents import services as incident_services
from incidents.tests.factories import make_incident, network_team
from itsm.choices import Level
from oncall.choices import LevelTarget, ShiftUnit
from oncall.models import (
    EscalationLevel,
    EscalationPolicy,
    Rotation,
    RotationMember,
    Schedule,
)

# A Monday, 12:00 UTC: ravi's shift in the primary rotation (day 0), nina's in the secondary.
NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)


def rotation(schedule, position, members, **fields):
    values = {
        "name": f"Rotation {position}",
        "starts_on": date(2026, 3, 2),
        "handoff_time": time(9),
        "shift_length": 1,
        "shift_unit": ShiftUnit.DAYS,
        "time_zone": "UTC",
        **fields,
    }
    made = Rotation.objects.create(schedule=schedule, position=position, **values)
    for index, user in enumerate(members):
        RotationMember.objects.create(rotation=made, user=user, position=index)
    return made


def network_on_call(people, *, repeats=1):
    """Network Operations: primary ravi/nina daily, secondary nina/ravi daily; policy
    on-call (10 min), secondary (10 min), manager (15 min), repeated ``repeats`` times."""
    team = network_team()
    team.manager = people["nina"]
    team.save()
    schedule = Schedule.objects.create(team=team, name="Network on call")
    primary = rotation(schedule, 0, [people["ravi"], people["nina"]])
    secondary = rotation(schedule, 1, [people["nina"], people["ravi"]])
    policy = EscalationPolicy.objects.create(team=team, name="Network", repeat_count=repeats)
    EscalationLevel.objects.create(policy=policy, position=0, delay_minutes=10)
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
    return schedule, primary, secondary


def assigned_incident(people, *, impact=Level.HIGH, urgency=Level.HIGH, team=None):
    """An incident logged by the desk and assigned to a group (no person): the
    ``assigned`` event is what pages."""
    incident = make_incident(reporter=people["sam"], impact=impact, urgency=urgency)
    incident_services.incident_transition(
        incident_id=incident.pk, name="assign", actor=people["sam"], group=team or network_team()
    )
    incident.refresh_from_db()
    return incident
