"""Every write of the on-call app. Interfaces (admin, API, portal, tasks) call only these."""

from oncall.services.delivery import DeliveryFailed, deliver, give_up, stale_pending
from oncall.services.paging import (
    escalate_due,
    escalate_page,
    may_acknowledge,
    page_acknowledge,
    page_acknowledge_by_link,
    page_incident,
)

__all__ = [
    "DeliveryFailed",
    "deliver",
    "escalate_due",
    "escalate_page",
    "give_up",
    "may_acknowledge",
    "page_acknowledge",
    "page_acknowledge_by_link",
    "page_incident",
    "stale_pending",
]
