"""Whether an alert falls in a maintenance window: a window recorded here, or the planned
window of a scheduled or implementing change on the CI or service."""

from django.db.models import Q

from alerts.models import MaintenanceWindow
from changes.choices import Status as ChangeStatus
from changes.models import Change

CHANGE_WINDOW_STATUSES = (ChangeStatus.SCHEDULED, ChangeStatus.IMPLEMENTING)


def in_maintenance(*, configuration_item_id, service_id, at) -> bool:
    if configuration_item_id is None and service_id is None:
        return False
    target = Q()
    change_target = Q()
    if configuration_item_id is not None:
        target |= Q(configuration_item_id=configuration_item_id)
        change_target |= Q(configuration_items=configuration_item_id)
    if service_id is not None:
        target |= Q(service_id=service_id)
        change_target |= Q(services=service_id)
    if MaintenanceWindow.objects.filter(target, start__lte=at, end__gt=at).exists():
        return True
    return (
        Change.objects.filter(
            change_target,
            status__in=CHANGE_WINDOW_STATUSES,
            planned_start__lte=at,
            planned_end__gt=at,
        )
        .distinct()
        .exists()
    )
