"""Every read of changes that depends on who asks.

Changes are staff records: IT staff whose role may view changes (service desk,
resolvers, change managers, change approvers) see every change; everyone else gets a 404.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from changes.choices import OPEN_STATUSES, ChangeType, Status
from changes.models import Change, ChangeComment
from itsm import approvals
from itsm.models import Approval, ApprovalTrack
from itsm.roles import role_allows

# The incidents caused by a change that its review lists (the count covers them all).
CAUSED_SHOWN = 20

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


@dataclass(frozen=True)
class Review:
    """What a change's post-implementation review shows: incidents on its items in the
    ``days`` before it started (``before``, from ``before_from``) and after it ended
    (``after``, up to ``after_until``), and the incidents marked as caused by it (``caused``,
    the first ``CAUSED_SHOWN`` in ``caused_incidents``). ``before`` and ``after`` are None
    without a window; only incidents the reader may see are counted."""

    days: int
    start: datetime | None
    end: datetime | None
    before: int | None
    after: int | None
    caused: int
    caused_incidents: list = field(default_factory=list)

    @property
    def before_from(self):
        return self.start - timedelta(days=self.days) if self.start else None

    @property
    def after_until(self):
        return self.end + timedelta(days=self.days) if self.end else None


def change_review(*, user, change) -> Review:
    """The change's review figures: one aggregate query, and one more for the list of
    caused incidents when there are any.

    The window is the actual one where recorded, else the planned one; an incident
    counts on the side its reported time falls (``[start - N days, start)`` before,
    ``[end, end + N days)`` after, N the ``CHANGE_REVIEW_DAYS`` setting).
    """
    from incidents.selectors import incident_list_visible_to

    days = settings.CHANGE_REVIEW_DAYS
    start = change.actual_start or change.planned_start
    end = change.actual_end or change.planned_end
    on_items = Q(configuration_item__in=change.configuration_items.values("pk"))
    caused = Q(caused_by_change=change)
    counts = {"caused": Count("pk", filter=caused)}
    if start and end:
        span = timedelta(days=days)
        before = Q(reported_at__gte=start - span, reported_at__lt=start)
        after = Q(reported_at__gte=end, reported_at__lt=end + span)
        counts["before"] = Count("pk", filter=on_items & before)
        counts["after"] = Count("pk", filter=on_items & after)
    incidents = incident_list_visible_to(user=user).select_related(None).order_by()
    figures = incidents.filter(on_items | caused).aggregate(**counts)
    listed = []
    if figures["caused"]:
        listed = list(
            incidents.filter(caused)
            .only("pk", "number", "title", "status", "reported_at")
            .order_by("-reported_at", "-pk")[:CAUSED_SHOWN]
        )
    return Review(
        days=days,
        start=start,
        end=end,
        before=figures.get("before"),
        after=figures.get("after"),
        caused=figures["caused"],
        caused_incidents=listed,
    )
