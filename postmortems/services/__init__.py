"""Every write to postmortems. Interfaces (admin, API, tasks, demo) call only these."""

from postmortems.services.actions import (
    ACTION_EDITABLE,
    action_item_add,
    action_item_progress,
    action_item_update,
)
from postmortems.services.records import (
    EDITABLE,
    postmortem_create,
    postmortem_refresh_timeline,
    postmortem_transition,
    postmortem_update,
    timeline_entry_add,
    timeline_entry_update,
)
from postmortems.services.reminders import (
    action_items_overdue_remind,
    postmortems_due_remind,
    postmortems_overdue_remind,
)

__all__ = [
    "ACTION_EDITABLE",
    "EDITABLE",
    "action_item_add",
    "action_item_progress",
    "action_item_update",
    "action_items_overdue_remind",
    "postmortem_create",
    "postmortem_refresh_timeline",
    "postmortem_transition",
    "postmortem_update",
    "postmortems_due_remind",
    "postmortems_overdue_remind",
    "timeline_entry_add",
    "timeline_entry_update",
]
