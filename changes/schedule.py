"""Freeze windows and collisions: what stands in the way of a change's planned window.

Windows are half-open: a change that ends at 10:00 and one that starts at 10:00 do not
collide. Datetimes are aware and stored in UTC, so windows entered in different time
zones compare correctly. Collisions are with other changes that hold their window
(awaiting authorisation, scheduled or implementing) and share a configuration item, touch
an item one depends-on link away (either direction), or have the same implementer.
"""

from django.db import connections
from django.db.models import Func, Q, QuerySet

from changes.choices import BOOKED_STATUSES
from changes.models import Change, FreezeWindow
from itsm.models import ConfigurationItem

SAME_CI = "same configuration item"
DEPENDENT_CI = "dependent configuration item"
SAME_IMPLEMENTER = "implementer booked twice"


# The name and expression of the GiST index that serves window overlaps on PostgreSQL
# (migration 0002). A query uses it only if it repeats the expression exactly.
WINDOW_INDEX = "change_window_range"


def window_range():
    """``tstzrange(planned_start, planned_end, '[)')``, half-open like the windows."""
    from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary

    return Func(
        "planned_start",
        "planned_end",
        RangeBoundary(),
        function="TSTZRANGE",
        output_field=DateTimeRangeField(),
    )


def overlapping(queryset: QuerySet, start, end) -> QuerySet:
    """The changes of ``queryset`` whose planned window overlaps ``[start, end)``.

    Touching windows (one ends when the other starts) do not overlap, and instants
    compare whatever time zone they were written in. On PostgreSQL the test is a range
    overlap (``&&``) read from the GiST index ``WINDOW_INDEX``, so a check reads only the
    windows that overlap, however many changes there are; a plain comparison of the two
    columns could bound only one side and would read every change that started earlier.
    Elsewhere (SQLite) it is that plain comparison.
    """
    if start >= end:
        return queryset.none()
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(planned_start__lt=end, planned_end__gt=start)
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    # The IS NOT NULL terms match the index's predicate (windowless drafts are not in it).
    return queryset.alias(planned_window=window_range()).filter(
        planned_start__isnull=False,
        planned_end__isnull=False,
        planned_window__overlap=DateTimeTZRange(start, end, "[)"),
    )


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
    overlap query (see ``overlapping``) with the matching items.
    """
    if start is None or end is None:
        return []
    ci_ids = set(ci_ids)
    near = neighbours(ci_ids) if ci_ids else set()
    touching = Q(configuration_items__in=ci_ids | near) if ci_ids else Q(pk__in=[])
    if implementer_id:
        touching |= Q(implementer_id=implementer_id)
    found = (
        overlapping(Change.objects.filter(status__in=BOOKED_STATUSES), start, end)
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
