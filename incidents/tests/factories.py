"""Incident test data, always made through the services so it is realistic and audited."""

import itertools

from django.contrib.auth import get_user_model

from incidents import services
from incidents.choices import Status
from itsm.models import Team

_titles = itertools.count(1)


def make_incident(*, reporter, **fields):
    """A new incident logged by ``reporter`` (any incident_create keyword may be given)."""
    fields.setdefault("title", f"Printer on floor {next(_titles)} is jammed")
    fields.setdefault("description", "It shows error E-42 and will not print.")
    return services.incident_create(actor=reporter, **fields)


def network_team() -> Team:
    return Team.objects.get(name="Network Operations")


# The route from new to each status, as (transition, params builder) steps.
def _steps(agent, requester):
    team = network_team()
    return {
        Status.ASSIGNED: [("assign", {"group": team, "assignee": agent})],
        Status.IN_PROGRESS: [("start", {})],
        Status.ON_HOLD: [("hold", {"hold_reason": "awaiting_caller"})],
        Status.RESOLVED: [
            ("resolve", {"resolution_code": "workaround", "resolution_notes": "Restarted."})
        ],
        Status.CLOSED: [("confirm", {}), ("close", {})],
        Status.CANCELLED: [("cancel", {"reason": "Logged twice."})],
    }


ROUTES = {
    Status.NEW: [],
    Status.ASSIGNED: [Status.ASSIGNED],
    Status.IN_PROGRESS: [Status.ASSIGNED, Status.IN_PROGRESS],
    Status.ON_HOLD: [Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD],
    Status.RESOLVED: [Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED],
    Status.CLOSED: [Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED],
    Status.CANCELLED: [Status.CANCELLED],
}


def incident_in(status, *, reporter, agent, desk, major=False, **fields):
    """An incident driven through the real transitions until it is in ``status``.

    ``agent`` must be a member of Network Operations (ravi); ``desk`` is a service desk
    user (sam) who closes and cancels. ``major`` declares it a major incident first.
    """
    incident = make_incident(reporter=reporter, **fields)
    if major:
        services.incident_transition(incident_id=incident.pk, name="declare_major", actor=agent)
    steps = _steps(agent, reporter)
    for stage in ROUTES[Status(status)]:
        for name, params in steps[stage]:
            actor = {"confirm": reporter, "close": desk, "cancel": desk}.get(name, agent)
            incident = services.incident_transition(
                incident_id=incident.pk, name=name, actor=actor, **params
            )
    return incident


# Valid input for each transition that needs some, so only state and actor decide.
TRANSITION_PARAMS = {
    "assign": lambda: {"group": network_team()},
    "hold": lambda: {"hold_reason": "awaiting_caller"},
    "resolve": lambda: {"resolution_code": "workaround", "resolution_notes": "Done."},
    "reject": lambda: {"reason": "Still broken."},
    "cancel": lambda: {"reason": "Raised in error."},
    "escalate_to_manager": lambda: {"reason": "Needs a decision."},
}


def transition_params(name: str) -> dict:
    return TRANSITION_PARAMS.get(name, dict)()


def user(username: str, **fields):
    User = get_user_model()
    return User.objects.create_user(username=username, email=f"{username}@example.com", **fields)
