"""The known-error database at work: deflections, and incidents reported against one."""

from django.db import transaction

from incidents.services import incident_create
from itsm.audit import record_change
from problems.models import Deflection
from problems.selectors import known_error_get_for_user
from problems.services.records import set_incident_problem


def deflection_record(*, actor, problem_id, title: str = "", service=None) -> Deflection:
    """Record that ``actor`` was helped by the known error (404 if they cannot see it)."""
    problem = known_error_get_for_user(user=actor, pk=problem_id)
    deflection = Deflection(
        problem=problem, user=actor, title=(title or "").strip()[:200], service=service
    )
    record_change(deflection, actor, "deflected")
    deflection.save()
    return deflection


def known_error_report_incident(*, actor, problem_id, **incident_fields):
    """The workaround did not help: log the incident through the incident service, linked
    to the known error's problem (history on the incident names it).

    Anyone who may read the known error may report against it; the link is the only
    problem field a requester ever sets.
    """
    with transaction.atomic():
        problem = known_error_get_for_user(user=actor, pk=problem_id)
        incident = incident_create(actor=actor, **incident_fields)
        return set_incident_problem(
            incident.pk,
            problem,
            actor=actor,
            reason=f"reported against known error {problem.number}",
        )
