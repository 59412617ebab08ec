"""What the status pages read. Public reads return plain data built only from public
fields (component display names, status incident titles and update bodies, maintenance
titles and descriptions), so a template cannot reach an internal one by accident."""

from collections import OrderedDict
from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone

from itsm.roles import is_agent
from statuspage import uptime
from statuspage.choices import SEVERITY, ComponentStatus, MaintenanceState
from statuspage.models import Component, Maintenance, StatusIncident, StatusUpdate

HISTORY_DAYS = 90
SHOWN_MAINTENANCE = 20
FEED_ENTRIES = 50


def sees_internal_page(user) -> bool:
    return is_agent(user)


def components_for(*, public: bool):
    queryset = Component.objects.all()
    return queryset.filter(is_public=True) if public else queryset


def _component(component, bars) -> dict:
    row = bars.get(component.pk, {"days": [], "seen": 0, "down": 0})
    return {
        "id": component.pk,
        "name": component.display_name,
        "group": component.group,
        "description": component.description,
        "status": component.status,
        "status_label": ComponentStatus(component.status).label,
        "uptime": uptime.percentage(row["seen"], row["down"]),
        "days": [
            {
                "date": start.date(),
                "uptime": uptime.percentage(seen, down),
                "worst": _worst_status(worst),
            }
            for start, seen, down, worst in row["days"]
        ],
    }


_BY_RANK = {rank: status for status, rank in SEVERITY.items()}


def _worst_status(rank):
    return "" if rank is None else _BY_RANK[rank]


def _public_update(update) -> dict:
    return {
        "state": update.state,
        "state_label": update.get_state_display(),
        "body": update.body,
        "posted_at": update.posted_at,
    }


def _public_incident(status_incident, visible_ids) -> dict:
    return {
        "id": status_incident.pk,
        "title": status_incident.title,
        "impact": status_incident.impact,
        "state": status_incident.state,
        "state_label": status_incident.get_state_display(),
        "started_at": status_incident.started_at,
        "resolved_at": status_incident.resolved_at,
        "components": [
            c.display_name for c in status_incident.components.all() if c.pk in visible_ids
        ],
        "updates": [_public_update(update) for update in status_incident.updates.all()],
    }


def _incidents_queryset(components):
    return StatusIncident.objects.only(
        "id", "title", "impact", "state", "started_at", "resolved_at"
    ).prefetch_related(
        Prefetch("components", queryset=components.only("id", "display_name")),
        Prefetch(
            "updates",
            queryset=StatusUpdate.objects.only(
                "id", "status_incident_id", "state", "body", "posted_at"
            ),
        ),
    )


def _public_maintenance(maintenance, visible_ids) -> dict:
    return {
        "id": maintenance.pk,
        "title": maintenance.title,
        "description": maintenance.description,
        "state": maintenance.state,
        "state_label": maintenance.get_state_display(),
        "starts_at": maintenance.starts_at,
        "ends_at": maintenance.ends_at,
        "components": [c.display_name for c in maintenance.components.all() if c.pk in visible_ids],
    }


def _visible(items, key="components"):
    """Items that name at least one visible component (an incident or window that only
    touches internal components is internal itself)."""
    return [item for item in items if item[key]]


def page_summary(*, public: bool = True, now=None) -> dict:
    """Everything the status page shows: five queries whatever the number of rows."""
    now = now or timezone.now()
    components = components_for(public=public)
    rows = list(components.only(*_COMPONENT_FIELDS))
    visible_ids = {component.pk for component in rows}
    bars = uptime.uptime_rows(visible_ids, now=now, days=HISTORY_DAYS)
    shown = [_component(component, bars) for component in rows]
    active = _incidents_queryset(components).filter(resolved_at__isnull=True)
    maintenance = (
        Maintenance.objects.filter(
            state__in=[MaintenanceState.UPCOMING, MaintenanceState.IN_PROGRESS]
        )
        .only("id", "title", "description", "state", "starts_at", "ends_at")
        .prefetch_related(Prefetch("components", queryset=components.only("id", "display_name")))
        .order_by("starts_at", "id")[:SHOWN_MAINTENANCE]
    )
    groups = OrderedDict()
    for component in shown:
        groups.setdefault(component["group"], []).append(component)
    worst = max((SEVERITY[c["status"]] for c in shown), default=0)
    overall = _BY_RANK[worst]
    return {
        "generated_at": now,
        "overall": overall,
        "overall_label": ComponentStatus(overall).label,
        "components": shown,
        "groups": [{"name": name, "components": items} for name, items in groups.items()],
        "incidents": _visible([_public_incident(i, visible_ids) for i in active]),
        "maintenance": _visible([_public_maintenance(m, visible_ids) for m in maintenance]),
    }


_COMPONENT_FIELDS = ("id", "display_name", "group", "description", "status", "order")


def past_incidents(*, public: bool = True, now=None, days: int = HISTORY_DAYS) -> list[dict]:
    """Resolved status incidents of the last ``days`` days, by month, newest first."""
    now = now or timezone.now()
    components = components_for(public=public)
    visible_ids = set(components.values_list("pk", flat=True))
    resolved = (
        _incidents_queryset(components)
        .filter(resolved_at__isnull=False, started_at__gte=now - timedelta(days=days))
        .order_by("-started_at", "-id")
    )
    months = OrderedDict()
    for item in _visible([_public_incident(i, visible_ids) for i in resolved]):
        months.setdefault(item["started_at"].strftime("%B %Y"), []).append(item)
    return [{"month": month, "incidents": items} for month, items in months.items()]


def feed_entries(*, limit: int = FEED_ENTRIES) -> list[dict]:
    """The latest public updates, newest first, with their status incident's title."""
    components = components_for(public=True)
    updates = (
        StatusUpdate.objects.filter(status_incident__components__in=components)
        .distinct()
        .select_related("status_incident")
        .only(
            "id",
            "state",
            "body",
            "posted_at",
            "status_incident__id",
            "status_incident__title",
        )
        .order_by("-posted_at", "-id")[:limit]
    )
    return [
        {
            "id": update.pk,
            "incident_id": update.status_incident_id,
            "title": update.status_incident.title,
            **_public_update(update),
        }
        for update in updates
    ]


def component_list_visible_to(*, user):
    """Every component, internal ones too, for IT staff; nothing for anyone else."""
    if not sees_internal_page(user):
        return Component.objects.none()
    return Component.objects.order_by("group", "order", "display_name", "id")


def status_incident_list_visible_to(*, user):
    """Status incidents with their components and updates, newest first (IT staff)."""
    if not sees_internal_page(user):
        return StatusIncident.objects.none()
    return (
        StatusIncident.objects.select_related("incident")
        .prefetch_related(
            Prefetch("components", queryset=Component.objects.only("id")),
            Prefetch(
                "updates",
                queryset=StatusUpdate.objects.select_related("posted_by").order_by(
                    "posted_at", "id"
                ),
            ),
        )
        .order_by("-started_at", "-id")
    )
