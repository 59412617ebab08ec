"""Every write to changes. Interfaces (admin, API, portal) call only these."""

from changes.services.contributions import (
    change_attachment_add,
    change_comment_add,
    change_watch,
)
from changes.services.records import (
    STAFF_EDITABLE,
    change_create,
    change_create_from_template,
    change_override_risk,
    change_update,
    incident_set_caused_by,
)
from changes.services.reminders import (
    approval_reminders_due,
    retrospective_reminders_due,
    schedule_reminders_due,
)
from changes.services.templates import (
    template_create,
    template_version_create,
    template_version_decide,
)
from changes.services.transitions import change_transition

__all__ = [
    "STAFF_EDITABLE",
    "approval_reminders_due",
    "change_attachment_add",
    "change_comment_add",
    "change_create",
    "change_create_from_template",
    "change_override_risk",
    "change_transition",
    "change_update",
    "change_watch",
    "incident_set_caused_by",
    "retrospective_reminders_due",
    "schedule_reminders_due",
    "template_create",
    "template_version_create",
    "template_version_decide",
]
