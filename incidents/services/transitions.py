"""Status changes: the transition table in ``incidents.workflow``, applied."""

from incidents.models import Incident
from incidents.workflow import WORKFLOW
from itsm.workflow import run_transition


def incident_transition(
    *, incident_id, name: str, actor, expected_version: int | None = None, **params
) -> Incident:
    """Run the named transition from the table in ``incidents.workflow``.

    This is the only way an incident's status changes: the admin buttons and actions, the
    API endpoints, the portal buttons and the Celery jobs all come through here.
    """
    params["actor"] = actor
    return run_transition(
        WORKFLOW,
        model=Incident,
        pk=incident_id,
        name=name,
        actor=actor,
        params=params,
        expected_version=expected_version,
        related=("sla_policy__calendar", "assignment_group"),
    )
