"""Every write of stakeholder communication. Interfaces and tasks call only these."""

from comms.services.cadence import (
    cadence_minutes,
    missed_cadence_record,
    update_cadence_check,
)
from comms.services.delivery import DeliveryFailed, delivery_give_up, delivery_send
from comms.services.stakeholders import (
    affected_components,
    may_communicate,
    stakeholders_add,
    stakeholders_set,
    stakeholders_sync_subscribers,
)
from comms.services.updates import stakeholder_update_send, update_fan_out

__all__ = [
    "DeliveryFailed",
    "affected_components",
    "cadence_minutes",
    "delivery_give_up",
    "delivery_send",
    "may_communicate",
    "missed_cadence_record",
    "stakeholder_update_send",
    "stakeholders_add",
    "stakeholders_set",
    "stakeholders_sync_subscribers",
    "update_cadence_check",
    "update_fan_out",
]
