"""Every read of the catalogue and of requests that depends on who asks.

Employees see the requests they made and those made for them (404 otherwise); staff
whose role may view requests (the service desk, fulfilment teams) see every request.
Approvers see a request waiting for their decision through the approvals inbox.
"""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from itsm import approvals
from itsm.models import ApprovalTrack
from itsm.roles import role_allows
from itsm.selectors import AnyOf
from requests_app.choices import OPEN_STATUSES, TaskStatus
from requests_app.models import (
    CatalogItem,
    FulfilmentTask,
    RequestComment,
    ServiceRequest,
)

LIST_RELATED = ["item", "requested_by", "requested_for"]


def sees_all_requests(user) -> bool:
    return role_allows(user, "requests_app", "view")


def _involving(user) -> AnyOf:
    """Requests ``user`` made, that were made for them, or whose pending approval step
    waits for them: one branch each, on its own index (the shared employee scope)."""
    awaiting = approvals.inbox(user, model=ServiceRequest).values("object_id")
    return AnyOf(
        ServiceRequest,
        Q(requested_by_id=user.pk),
        Q(requested_for_id=user.pk),
        Q(pk__in=awaiting),
    )


def request_list_visible_to(*, user) -> QuerySet:
    rows = ServiceRequest.objects.select_related(*LIST_RELATED)
    if not getattr(user, "is_authenticated", False):
        return rows.none()
    if sees_all_requests(user):
        return rows
    return rows.filter(_involving(user))


def request_get_for_user(*, user, pk) -> ServiceRequest:
    if not str(pk).isdigit():
        raise Http404("No such request.")
    found = request_list_visible_to(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such request.")
    return found


def _with_progress(rows) -> QuerySet:
    """``rows`` with their task counts and approval step: correlated subqueries on the
    tasks' and tracks' indexes (no join, so a list of them still pages by branch)."""
    pending = ApprovalTrack.objects.filter(
        content_type__app_label="requests_app",
        content_type__model="servicerequest",
        object_id=OuterRef("pk"),
        state=ApprovalTrack.State.PENDING,
    )
    tasks = FulfilmentTask.objects.filter(request=OuterRef("pk")).order_by()
    done = tasks.filter(status=TaskStatus.DONE)
    return rows.annotate(
        tasks_total=Coalesce(Subquery(_counted(tasks)), 0),
        tasks_done=Coalesce(Subquery(_counted(done)), 0),
        approval_step=pending.values("step__order")[:1],
    )


def _counted(tasks) -> QuerySet:
    return tasks.values("request").annotate(n=Count("pk")).values("n")


def request_list_with_progress(*, user) -> QuerySet:
    """Visible requests with their task counts and approval step (no N+1)."""
    return _with_progress(request_list_visible_to(user=user))


def request_mine(*, user) -> QuerySet:
    """The user's own requests and those made for them (the portal's "My requests")."""
    if not getattr(user, "is_authenticated", False):
        return ServiceRequest.objects.none()
    mine = AnyOf(ServiceRequest, Q(requested_by_id=user.pk), Q(requested_for_id=user.pk))
    return _with_progress(ServiceRequest.objects.select_related(*LIST_RELATED).filter(mine))


def progress_text(request) -> str:
    """Approval and task progress in a few words (the request carries the annotations)."""
    if request.approval_step is not None:
        return f"awaiting approval (step {request.approval_step})"
    if request.tasks_total:
        return f"{request.tasks_done} of {request.tasks_total} tasks done"
    return ""


def request_open_for_user(*, user) -> list:
    """The user's open requests with their progress, for the portal home page."""
    rows = list(request_mine(user=user).filter(status__in=OPEN_STATUSES)[:10])
    for row in rows:
        row.progress = progress_text(row)
    return rows


def request_comments_visible_to(*, user, request) -> QuerySet:
    rows = request.comments.select_related("author")
    if sees_all_requests(user):
        return rows
    return rows.filter(visibility=RequestComment.Visibility.PUBLIC)


def task_list_visible_to(*, user) -> QuerySet:
    if not sees_all_requests(user):
        return FulfilmentTask.objects.none()
    return FulfilmentTask.objects.select_related("request", "group", "assignee")


def task_get_for_user(*, user, pk) -> FulfilmentTask:
    found = task_list_visible_to(user=user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404("No such task.")
    return found


def catalog_items_for(*, user) -> QuerySet:
    """The active items of active categories the user may request."""
    items = CatalogItem.objects.filter(is_active=True, category__is_active=True).select_related(
        "category"
    )
    if getattr(user, "is_superuser", False):
        return items
    groups = user.groups.values("pk") if getattr(user, "is_authenticated", False) else []
    return items.filter(Q(audience__isnull=True) | Q(audience__in=groups)).distinct()


def catalog_item_for(*, user, pk) -> CatalogItem:
    found = catalog_items_for(user=user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404("No such catalogue item.")
    return found


def approval_inbox(*, user) -> list:
    """The user's pending request approvals, oldest first, each track with its request."""
    tracks = list(approvals.inbox(user, model=ServiceRequest))
    found = ServiceRequest.objects.select_related(*LIST_RELATED).in_bulk(
        [t.object_id for t in tracks]
    )
    rows = []
    for track in tracks:
        if track.object_id in found:
            track.request = found[track.object_id]
            rows.append(track)
    return rows


def request_is_visible_to(*, user, pk) -> bool:
    return request_list_visible_to(user=user).filter(pk=pk).exists()


def request_attachments_visible_to(*, user, request) -> QuerySet:
    return request.attachments.select_related("uploaded_by")


def request_attachment_get_for_user(*, user, pk):
    from django.shortcuts import get_object_or_404

    from requests_app.models import RequestAttachment

    visible = request_list_visible_to(user=user).values("pk")
    return get_object_or_404(RequestAttachment.objects.filter(request_id__in=visible), pk=pk)
