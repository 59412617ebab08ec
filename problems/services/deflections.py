"""Deflection: an employee's issue was solved by a published workaround."""

from itsm.audit import record_change
from problems.models import Deflection
from problems.selectors import known_error_get_for_user


def deflection_record(*, actor, problem_id, title: str = "", service=None) -> Deflection:
    """Record that ``actor`` was helped by the known error (404 if they cannot see it)."""
    problem = known_error_get_for_user(user=actor, pk=problem_id)
    deflection = Deflection(
        problem=problem, user=actor, title=(title or "").strip()[:200], service=service
    )
    record_change(deflection, actor, "deflected")
    deflection.save()
    return deflection
