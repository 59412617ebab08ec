"""Every read of incidents that depends on who asks."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from incidents.choices import OPEN_STATUSES, Status
from incidents.models import LIST_ORDER, Incident, IncidentAttachment, IncidentComment
from itsm.roles import role_allows
from itsm.security_log import security_event

LIST_RELATED = [
    "reporter",
    "affected_user",
    "assignment_group",
    "assignee",
    "category",
    "subcategory",
    "service",
    "configuration_item",
]


def sees_all_incidents(user) -> bool:
    """IT staff whose role may view incidents see every incident and its work notes."""
    return role_allows(user, "incidents", "view")


# What an incident page shows besides the list columns.
DETAIL_RELATED = [
    "parent",
    "duplicate_of",
    "commander",
    "communications_lead",
    "resolved_by",
    "closed_by",
    "sla_policy__calendar",
]


def _scope(user) -> Q:
    """Employees see incidents they reported, are affected by, or watch; IT staff see all."""
    if sees_all_incidents(user):
        return Q()
    return Q(pk__in=_involving(user))


def _involving(user) -> QuerySet:
    """The ids of the incidents ``user`` reported, is affected by or watches.

    One UNION of three index lookups. Written as ``reporter = X OR affected_user = X OR
    id IN (watchers)`` the subquery inside the OR kept PostgreSQL from using any index:
    the count and every page read the whole table.
    """
    incidents = Incident.objects.order_by()
    watched = Incident.watchers.through.objects.filter(user_id=user.pk).order_by()
    return (
        incidents.filter(reporter_id=user.pk)
        .values("pk")
        .union(
            incidents.filter(affected_user_id=user.pk).values("pk"),
            watched.values("incident_id"),
        )
    )


def incident_list_visible_to(*, user) -> QuerySet[Incident]:
    if not getattr(user, "is_authenticated", False):
        return Incident.objects.none()
    return Incident.objects.filter(_scope(user)).select_related(*LIST_RELATED)


def incident_get_for_user(*, user, pk) -> Incident:
    """The incident if ``user`` may see it; 404 otherwise (never 403: existence stays hidden)."""
    queryset = incident_list_visible_to(user=user).select_related(*DETAIL_RELATED)
    try:
        return queryset.get(pk=pk)
    except Incident.DoesNotExist:
        if Incident.objects.filter(pk=pk).exists():
            security_event("out_of_scope", user=user, object=f"incidents.incident:{pk}")
        raise Http404("No such incident.") from None


def incident_comments_visible_to(*, user, incident) -> QuerySet[IncidentComment]:
    comments = incident.comments.select_related("author")
    if sees_all_incidents(user):
        return comments
    return comments.filter(visibility=IncidentComment.Visibility.PUBLIC)


def incident_attachments_visible_to(*, user, incident) -> QuerySet[IncidentAttachment]:
    return incident.attachments.select_related("uploaded_by")


def incident_attachment_get_for_user(*, user, pk) -> IncidentAttachment:
    visible = incident_list_visible_to(user=user).values("pk")
    return get_object_or_404(IncidentAttachment.objects.filter(incident_id__in=visible), pk=pk)


def incident_open_for_user(*, user, limit: int = 10) -> list[Incident]:
    """The user's own open (or awaiting confirmation) incidents, for the portal home page."""
    mine = Q(reporter_id=user.pk) | Q(affected_user_id=user.pk)
    return list(
        Incident.objects.filter(mine, status__in=[*OPEN_STATUSES, Status.RESOLVED])
        .only("number", "title", "status", "created_at")
        .order_by(*LIST_ORDER)[:limit]
    )
