"""Freeze windows and collisions: what stands in the way of a change's planned window.

Windows are half-open: a change that ends at 10:00 and one that starts at 10:00 do not
collide. Datetimes are aware and stored in UTC, so windows entered in different time
zones compare correctly. Collisions are with other changes that hold their window
(awaiting authorisation, scheduled or implementing) and share a configuration item, touch
an item one depends-on link away (either direction), or have the same implementer.
"""

from django.db.models import Q, QuerySet

from changes.choices import BOOKED_STATUSES
from changes.models import Change, FreezeWindow
from itsm.models import ConfigurationItem

SAME_CI = "same configuration item"
DEPENDENT_CI = "dependent configuration item"
SAME_IMPLEMENTER = "implementer booked twice"


def overlapping(start, end) -> Q:
    """Changes whose planned window overlaps ``[start, end)`` (touching does not)."""
    return Q(planned_start__lt=end, planned_end__gt=start)


def freezes_for(*, start, end, service_ids) -> QuerySet:
    """Active freeze windows over ``[start, end)`` for every service or one of these."""
    return (
        FreezeWindow.objects.filter(is_active=True, starts_at__lt=end, ends_at__gt=start)
        .filter(Q(services=None) | Q(services__in=list(service_ids)))
        .distinct()
        .order_by("starts_at")
    )


def neighbours(ci_ids) -> set[int]:
    """Items one depends-on link away from ``ci_ids``, in either direction."""
    through = ConfigurationItem.depends_on.through
    links = through.objects.filter(
        Q(from_configurationitem__in=ci_ids) | Q(to_configurationitem__in=ci_ids)
    ).values_list("from_configurationitem", "to_configurationitem")
    return {pk for pair in links for pk in pair} - set(ci_ids)


def collisions_for(*, start, end, ci_ids, implementer_id=None, exclude_id=None) -> list[dict]:
    """The booked changes colliding with a window on these items and implementer.

    Three queries whatever the number of changes: the dependency links, then one
    overlap query (served by the window index) with the matching items.
    """
    if start is None or end is None:
        return []
    ci_ids = set(ci_ids)
    near = neighbours(ci_ids) if ci_ids else set()
    touching = Q(configuration_items__in=ci_ids | near) if ci_ids else Q(pk__in=[])
    if implementer_id:
        touching |= Q(implementer_id=implementer_id)
    found = (
        Change.objects.filter(overlapping(start, end), status__in=BOOKED_STATUSES)
        .filter(touching)
        .exclude(pk=exclude_id)
        .distinct()
        .only("pk", "number", "implementer_id", "planned_start", "planned_end")
        .prefetch_related("configuration_items")
        .order_by("planned_start", "pk")
    )
    result = []
    for other in found:
        theirs = {ci.pk for ci in other.configuration_items.all()}
        if theirs & ci_ids:
            kind = SAME_CI
        elif theirs & near:
            kind = DEPENDENT_CI
        else:
            kind = SAME_IMPLEMENTER
        if kind != SAME_IMPLEMENTER and implementer_id and other.implementer_id == implementer_id:
            kind = f"{kind}; {SAME_IMPLEMENTER}"
        result.append(
            {
                "change": other.number,
                "id": other.pk,
                "kind": kind,
                "start": other.planned_start.isoformat(),
                "end": other.planned_end.isoformat(),
            }
        )
    return result


def change_collisions(change) -> list[dict]:
    return collisions_for(
        start=change.planned_start,
        end=change.planned_end,
        ci_ids=change.configuration_items.values_list("pk", flat=True),
        implementer_id=change.implementer_id,
        exclude_id=change.pk,
    )


def change_freezes(change) -> QuerySet:
    service_ids = set(change.services.values_list("pk", flat=True))
    service_ids |= set(
        change.configuration_items.exclude(service=None).values_list("service", flat=True)
    )
    return freezes_for(start=change.planned_start, end=change.planned_end, service_ids=service_ids)
