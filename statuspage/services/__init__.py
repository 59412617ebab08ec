"""Every write to the status page. Interfaces (admin, portal, public forms, tasks) call
only these."""

from statuspage.services.components import (
    component_create,
    component_set_status,
    component_update,
    components_refresh,
)
from statuspage.services.incidents import (
    active_status_incident_for,
    may_post,
    status_incident_open,
    status_post,
    status_update_post,
)
from statuspage.services.maintenance import (
    maintenance_cancel,
    maintenance_create,
    maintenance_sync_change,
    maintenance_tick,
    maintenance_update,
)
from statuspage.services.subscriptions import (
    subscription_cancel,
    subscription_confirm,
    subscription_request,
)

__all__ = [
    "active_status_incident_for",
    "component_create",
    "component_set_status",
    "component_update",
    "components_refresh",
    "maintenance_cancel",
    "maintenance_create",
    "maintenance_sync_change",
    "maintenance_tick",
    "maintenance_update",
    "may_post",
    "status_incident_open",
    "status_post",
    "status_update_post",
    "subscription_cancel",
    "subscription_confirm",
    "subscription_request",
]
