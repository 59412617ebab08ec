"""Every read of changes that depends on who asks.

Changes are staff records: IT staff whose role may view changes (service desk,
resolvers, change managers, change approvers) see every change; everyone else gets a 404.
"""

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from changes.choices import OPEN_STATUSES, ChangeType, Status
from changes.models import Change, ChangeComment
from itsm import approvals
from itsm.models import Approval, ApprovalTrack
from itsm.roles import role_allows

LIST_RELATED = ["requested_by", "change_manager", "implementer", "implementation_group"]
DETAIL_RELATED = ["category", "problem", "template_version__template"]


def sees_all_changes(user) -> bool:
    return role_allows(user, "changes", "view")


def change_list_visible_to(*, user) -> QuerySet:
    if not sees_all_changes(user):
        return Change.objects.none()
    return Change.objects.select_related(*LIST_RELATED)


def change_get_for_user(*, user, pk) -> Change:
    found = change_list_visible_to(user=user).select_related(*DETAIL_RELATED).filter(pk=pk)
    change = found.first() if str(pk).isdigit() else None
    if change is None:
        raise Http404("No such change.")
    return change


def change_list_with_approvals(*, user) -> QuerySet:
    """Visible changes with their pending track's progress: approvals given on the
    waiting step and the number it needs (two correlated subqueries, no N+1)."""
    tracks = ApprovalTrack.objects.filter(
        content_type__app_label="changes",
        content_type__model="change",
        object_id=OuterRef("pk"),
        state=ApprovalTrack.State.PENDING,
    )
    # The outer change is referred to directly: an OuterRef inside ``tracks`` nested in
    # this subquery would point at the approval, not the change.
    given = (
        Approval.objects.filter(
            track__content_type__app_label="changes",
            track__content_type__model="change",
            track__object_id=OuterRef("pk"),
            track__state=ApprovalTrack.State.PENDING,
            step=F("track__step"),
            decision=Approval.Decision.APPROVED,
            voided_at__isnull=True,
        )
        .order_by()
        .values("track")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return change_list_visible_to(user=user).annotate(
        approvals_given=Coalesce(Subquery(given[:1]), 0),
        approvals_needed=Subquery(tracks.values("step__required")[:1]),
        has_conflicts=~Q(conflicts=[]),
    )


def change_comments_visible_to(*, user, change) -> QuerySet:
    if not sees_all_changes(user):
        return ChangeComment.objects.none()
    return change.comments.select_related("author")


def change_open_for_user(*, user) -> list:
    """Open changes the user implements or manages (the portal home section)."""
    if not sees_all_changes(user):
        return []
    return list(
        Change.objects.filter(Q(implementer=user) | Q(change_manager=user))
        .filter(status__in=OPEN_STATUSES)
        .only("pk", "number", "title", "status")[:10]
    )


def approval_inbox(*, user) -> list:
    """The user's pending change approvals, oldest first, each track with its change
    (four queries whatever the number: the tracks, the changes, their services and items)."""
    tracks = list(approvals.inbox(user, model=Change))
    changes = (
        Change.objects.select_related(*LIST_RELATED)
        .prefetch_related("services", "configuration_items")
        .in_bulk([t.object_id for t in tracks])
    )
    visible = sees_all_changes(user)
    rows = []
    for track in tracks:
        change = changes.get(track.object_id)
        if change is not None and visible:
            track.change = change
            rows.append(track)
    return rows


def decisions_by(*, user) -> QuerySet:
    """The user's past decisions on changes, newest first."""
    return (
        Approval.objects.filter(
            approver=user,
            track__content_type__app_label="changes",
            track__content_type__model="change",
        )
        .select_related("step__group", "step__person")
        .order_by("-decided_at", "-id")
    )


def overdue_retrospectives(*, now=None) -> QuerySet:
    """Emergency changes implemented before approval whose retrospective approval is late."""
    return Change.objects.filter(
        retrospective_due_at__lt=now or timezone.now(), retrospective_approved_at__isnull=True
    ).order_by("retrospective_due_at")


def cab_agenda(*, user, until) -> list:
    """Normal changes awaiting CAB authorisation with a planned start before ``until``,
    soonest first, with approvals progress, services and items (four queries)."""
    return list(
        change_list_with_approvals(user=user)
        .filter(status=Status.AUTHORISATION, change_type=ChangeType.NORMAL, planned_start__lt=until)
        .prefetch_related("services", "configuration_items")
        .order_by("planned_start", "pk")
    )
