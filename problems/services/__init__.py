"""Every write to problems. Interfaces (admin, API, portal) call only these."""

from problems.services.contributions import (
    problem_attachment_add,
    problem_comment_add,
    problem_watch,
)
from problems.services.deflections import deflection_record, known_error_report_incident
from problems.services.records import (
    STAFF_EDITABLE,
    problem_create,
    problem_create_from_incidents,
    problem_link_incidents,
    problem_unlink_incident,
    problem_update,
)
from problems.services.transitions import problem_transition

__all__ = [
    "STAFF_EDITABLE",
    "deflection_record",
    "known_error_report_incident",
    "problem_attachment_add",
    "problem_comment_add",
    "problem_create",
    "problem_create_from_incidents",
    "problem_link_incidents",
    "problem_transition",
    "problem_unlink_incident",
    "problem_update",
    "problem_watch",
]
