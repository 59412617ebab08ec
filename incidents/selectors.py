"""Every read of incidents that depends on who asks."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from incidents.choices import OPEN_STATUSES, Status
from incidents.models import LIST_ORDER, Incident, IncidentAttachment, IncidentComment
from itsm.choices import Tier
from itsm.keyset import first_rows
from itsm.models import Category, Service, Team
from itsm.roles import role_allows, sees_restricted_records
from itsm.security_log import security_event
from itsm.selectors import AnyOf

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
# A record page joins only what it always needs. Each further join made PostgreSQL plan
# longer than it runs (17 joins: 15 ms to plan, 1 ms to run, at 1M incidents); the
# relations that are often empty are fetched by primary key instead, which costs no query
# when the field is empty.
DETAIL_RELATED = ["sla_policy__calendar"]
DETAIL_PREFETCHED = [
    "parent",
    "duplicate_of",
    "commander",
    "communications_lead",
    "resolved_by",
    "closed_by",
]


def _scope(user):
    """Employees see incidents they reported, are affected by, or watch; IT staff see all
    but the restricted ones they have no part in (``_staff_scope``)."""
    if sees_all_incidents(user):
        return _staff_scope(user)
    return _involving(user)


def _involving(user) -> AnyOf:
    """The incidents ``user`` reported, is affected by or watches.

    Three branches, each on its own index (``incident_reporter_recent``,
    ``incident_affected_recent``, the watchers' user index), so a page of the list reads
    its first rows from each and never all of them (:func:`itsm.keyset.first_rows`).
    Written as ``reporter = X OR affected_user = X OR id IN (watchers)`` the subquery inside
    the OR kept PostgreSQL from using any index: the count and every page read the table.
    """
    return AnyOf(
        Incident,
        Q(reporter_id=user.pk),
        Q(affected_user_id=user.pk),
        Q(watchers=user.pk),
    )


def _staff_scope(user) -> Q:
    """IT staff see every incident except restricted ones (restricted category, subcategory
    or service), which only these see: members and managers of the assignment group and of
    every group above it on the escalation chain; the service desk leads; and the people on
    the record (reporter, affected user, watchers, assignee, major-incident commander and
    communications lead).

    Every part is a condition on the incident's own columns or an uncorrelated subquery on
    a small table (categories, services, teams, the user's watch list), so PostgreSQL
    evaluates each subquery once (a hashed subplan) and the other filters of a list keep
    their indexes; no join is added to the incident query.
    """
    if sees_restricted_records(user):
        return Q()
    restricted = (
        Q(category_id__in=Category.objects.filter(restricted=True).values("pk"))
        | Q(subcategory_id__in=Category.objects.filter(restricted=True).values("pk"))
        | Q(service_id__in=Service.objects.filter(restricted=True).values("pk"))
    )
    return ~restricted | Q(assignment_group_id__in=_groups_escalating_to(user)) | _on_record(user)


def _groups_escalating_to(user) -> QuerySet[Team]:
    """Ids of the groups whose records reach ``user``: the groups they belong to or manage,
    and every group whose escalation chain leads up to one of those.

    Escalation always goes to a higher tier (``Team.clean``), so a chain has at most one
    group per tier and following ``escalates_to`` that many times reaches its end.
    """
    members = Team.members.through.objects.filter(user_id=user.pk).values("team_id")
    own = Team.objects.filter(Q(pk__in=members) | Q(manager_id=user.pk)).values("pk")
    reaches = Q()
    for hops in range(len(Tier)):
        reaches |= Q(**{"escalates_to__" * hops + "pk__in": own})
    return Team.objects.filter(reaches).values("pk")


def _on_record(user) -> Q:
    watched = Incident.watchers.through.objects.filter(user_id=user.pk).values("incident_id")
    return (
        Q(reporter_id=user.pk)
        | Q(affected_user_id=user.pk)
        | Q(assignee_id=user.pk)
        | Q(commander_id=user.pk)
        | Q(communications_lead_id=user.pk)
        | Q(pk__in=watched)
    )


def incident_list_visible_to(*, user) -> QuerySet[Incident]:
    if not getattr(user, "is_authenticated", False):
        return Incident.objects.none()
    return Incident.objects.filter(_scope(user)).select_related(*LIST_RELATED)


def incident_get_for_user(*, user, pk, joined: tuple[str, ...] = ()) -> Incident:
    """The incident if ``user`` may see it; 404 otherwise (never 403: existence stays hidden).

    ``joined`` names often-empty relations a page always shows (the commander on a major
    incident's page): read with the row instead of apart."""
    incident = incident_find_for_user(user=user, pk=pk, joined=joined)
    if incident is None:
        if Incident.objects.filter(pk=pk).exists():
            security_event("out_of_scope", user=user, object=f"incidents.incident:{pk}")
        raise Http404("No such incident.")
    return incident


def incident_find_for_user(*, user, pk, joined: tuple[str, ...] = ()) -> Incident | None:
    """The incident if ``user`` may see it, else None: for reading back after a write,
    which can take a restricted incident out of the writer's sight (an escalation past
    their group) and is then neither a 404 nor an out-of-scope attempt."""
    queryset = (
        incident_list_visible_to(user=user)
        .select_related(*DETAIL_RELATED, *joined)
        .prefetch_related(*(name for name in DETAIL_PREFETCHED if name not in joined))
    )
    return queryset.filter(pk=pk).first()


def incident_is_visible_to(*, user, pk) -> bool:
    return incident_list_visible_to(user=user).filter(pk=pk).exists()


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
    mine = AnyOf(Incident, Q(reporter_id=user.pk), Q(affected_user_id=user.pk))
    rows = (
        Incident.objects.filter(mine, status__in=[*OPEN_STATUSES, Status.RESOLVED])
        .only("number", "title", "status", "created_at")
        .order_by(*LIST_ORDER)
    )
    return list(first_rows(rows, limit))
