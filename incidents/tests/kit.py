"""The incident kit for the shared test harnesses (``itsm.testing``)."""

from django.conf import settings

from incidents import tasks
from incidents.tests.factories import make_incident, network_team
from itsm.demo.people import load_people
from itsm.models import Category
from itsm.testing.kit import Job, RecordKit


def people():
    """An employee, a tier-2 resolver in Network Operations, the service desk."""
    users = load_people()
    return [users["emma"], users["ravi"], users["sam"]]


def create(requester, **fields):
    # Routed to Network Operations, which has a manager and a next tier to escalate to.
    category, _ = Category.objects.get_or_create(
        kind="incident", name="Network", parent=None, defaults={"default_group": network_team()}
    )
    return make_incident(reporter=requester, category=category, **fields)


def _assign(incident):
    team = network_team()
    return {"group": team, "assignee": team.members.order_by("username").first()}


KIT = RecordKit(
    create=create,
    people=people,
    inputs={
        "assign": _assign,
        "hold": lambda incident: {"hold_reason": "awaiting_caller"},
        "resolve": lambda incident: {
            "resolution_code": "workaround",
            "resolution_notes": "Replaced the patch cable.",
        },
        "declare_major": lambda incident: {"commander": network_team().manager},
    },
    prepare={
        # Only a confirmed resolution (or a passed window) may be closed.
        "close": ("confirm",),
        "stand_down_major": ("declare_major",),
    },
    jobs={
        "close": Job(
            task=tasks.incident_auto_close,
            make_due=lambda clock: clock.advance(settings.INCIDENT_CONFIRMATION_WINDOW, days=1),
            reason="confirmation window passed",
        ),
        # A P1 past its resolution target escalates to the group manager.
        "escalate_to_manager": Job(
            task=tasks.incident_sla_check,
            make_due=lambda clock: clock.advance(days=7),
            reason="resolution SLA breached",
            fields={"impact": "high", "urgency": "high"},
        ),
    },
)
