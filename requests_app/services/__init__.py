"""Every write to the catalogue and to requests. Interfaces (admin, API, portal) call only these."""

from requests_app.services.catalog import catalog_item_save
from requests_app.services.contributions import (
    request_attachment_add,
    request_comment_add,
    request_watch,
)
from requests_app.services.jobs import request_auto_close_due, request_sla_check_due
from requests_app.services.records import may_request_for, request_submit, request_update
from requests_app.services.tasks import task_transition
from requests_app.services.transitions import request_transition

__all__ = [
    "catalog_item_save",
    "may_request_for",
    "request_attachment_add",
    "request_auto_close_due",
    "request_comment_add",
    "request_sla_check_due",
    "request_submit",
    "request_transition",
    "request_update",
    "request_watch",
    "task_transition",
]
