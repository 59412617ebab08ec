"""Comments, work notes, attachments and watchers on requests (``itsm.contributions``)."""

from itsm import contributions
from requests_app import sla
from requests_app.models import RequestAttachment, RequestComment, ServiceRequest
from requests_app.selectors import sees_all_requests


def _response_met(request, comment) -> list[str]:
    """The first public comment from staff meets the response target."""
    if request.responded_at is not None:
        return []
    request.responded_at = comment.created_at
    return ["responded_at", *sla.refresh(request)]


def request_comment_add(
    *, request_id, actor, body: str, visibility: str = RequestComment.Visibility.PUBLIC
) -> RequestComment:
    return contributions.comment_add(
        ServiceRequest,
        record_id=request_id,
        actor=actor,
        body=body,
        visibility=visibility,
        staff=sees_all_requests(actor),
        on_staff_reply=_response_met,
    )


def request_attachment_add(*, request_id, actor, upload) -> RequestAttachment:
    return contributions.attachment_add(
        ServiceRequest, record_id=request_id, actor=actor, upload=upload
    )


def request_watch(*, request_id, actor, watching: bool = True) -> ServiceRequest:
    return contributions.watch(ServiceRequest, record_id=request_id, actor=actor, watching=watching)
