"""Every read of postmortems that depends on who asks: staff read them all, others none."""

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from incidents.models import Incident
from itsm import approvals
from itsm.choices import Priority
from itsm.roles import role_allows
from postmortems.choices import OPEN_ACTION_STATUSES
from postmortems.models import LIST_ORDER, ActionItem, Postmortem, TimelineEntry

LIST_RELATED = ("incident", "owner")


def sees_postmortems(user) -> bool:
    """IT staff (every staff role may view postmortems) read every postmortem."""
    return role_allows(user, "postmortems", "view")


def postmortem_list_visible_to(*, user) -> QuerySet:
    if not sees_postmortems(user):
        return Postmortem.objects.none()
    # A subquery per listed row, not a join and GROUP BY over every postmortem: the list
    # stays an index scan that stops at the page's last row.
    open_actions = (
        ActionItem.objects.filter(postmortem=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES)
        .order_by()
        .values("postmortem")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Postmortem.objects.select_related(*LIST_RELATED)
        .annotate(open_actions=Coalesce(Subquery(open_actions), 0))
        .order_by(*LIST_ORDER)
    )


def postmortem_get_for_user(*, user, pk) -> Postmortem:
    postmortem = (
        postmortem_list_visible_to(user=user)
        .select_related("problem", "incident__service")
        .filter(pk=pk)
        .first()
    )
    if postmortem is None:
        raise Http404("No such postmortem.")
    return postmortem


def approval_inbox(*, user) -> list:
    """The user's pending postmortem sign-offs, oldest first, each track with its
    postmortem (two queries whatever the number)."""
    tracks = list(approvals.inbox(user, model=Postmortem))
    found = postmortem_list_visible_to(user=user).in_bulk([t.object_id for t in tracks])
    rows = []
    for track in tracks:
        if track.object_id in found:
            track.postmortem = found[track.object_id]
            rows.append(track)
    return rows


def timeline_of(postmortem) -> QuerySet:
    return TimelineEntry.objects.filter(postmortem=postmortem).order_by("at", "id")


def action_items_of(postmortem) -> QuerySet:
    return ActionItem.objects.filter(postmortem=postmortem).select_related(
        "owner", "problem", "change"
    )


def action_item_list_visible_to(*, user) -> QuerySet:
    if not sees_postmortems(user):
        return ActionItem.objects.none()
    return ActionItem.objects.select_related("owner", "problem", "change")


def postmortems_due(*, user) -> QuerySet:
    """P1 major incidents resolved without a postmortem: one is due (staff only)."""
    if not sees_postmortems(user):
        return Incident.objects.none()
    return postmortem_due_incidents()


def postmortem_due_incidents() -> QuerySet:
    return (
        Incident.objects.filter(
            is_major=True,
            priority=Priority.P1,
            resolved_at__isnull=False,
            postmortem__isnull=True,
        )
        .select_related("commander")
        .order_by("-resolved_at", "-id")
    )


def is_postmortem_due(incident) -> bool:
    return (
        incident.is_major
        and incident.priority == Priority.P1
        and incident.resolved_at is not None
        and not Postmortem.objects.filter(incident=incident).exists()
    )
