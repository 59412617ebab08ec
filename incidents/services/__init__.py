"""Every write to incidents. Interfaces (admin, API, portal, tasks) call only these."""

from incidents.services.contributions import (
    incident_attachment_add,
    incident_comment_add,
    incident_watch,
)
from incidents.services.jobs import (
    incident_auto_close_due,
    incident_sla_check_due,
    incident_sla_record_due,
)
from incidents.services.records import (
    EMPLOYEE_EDITABLE,
    STAFF_EDITABLE,
    incident_create,
    incident_override_priority,
    incident_record_response,
    incident_update,
)
from incidents.services.transitions import incident_transition

__all__ = [
    "EMPLOYEE_EDITABLE",
    "STAFF_EDITABLE",
    "incident_attachment_add",
    "incident_auto_close_due",
    "incident_comment_add",
    "incident_create",
    "incident_override_priority",
    "incident_record_response",
    "incident_sla_check_due",
    "incident_sla_record_due",
    "incident_transition",
    "incident_update",
    "incident_watch",
]
