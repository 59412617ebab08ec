"""Who hears about what happens to a request, and what the message says.

Approvers hear when a step opens; the requester, the person it is for and the watchers
hear about the rest.
"""

from itsm.approvals import approvers_of, pending_track
from itsm.notifications import Notifier, register
from requests_app.models import ServiceRequest


def _emails(users) -> list[str]:
    return sorted({u.email for u in users if u is not None and u.email})


def _people(request) -> list:
    return [request.requested_by, request.requested_for, *request.watchers.all()]


class RequestNotifier(Notifier):
    model = ServiceRequest
    template = "requests_app/email/notification"
    related = ("requested_by", "requested_for", "item")
    headlines = {
        "submitted": "Your request was submitted",
        "approval_requested": "A request waits for your approval",
        "approved": "A request was approved",
        "rejected": "A request was rejected",
        "fulfilled": "A request was fulfilled: please confirm",
        "closed": "A request was closed",
        "cancelled": "A request was cancelled",
        "commented": "New comment on a request",
        "sla_warning": "A request is close to its SLA target",
        "sla_breach": "A request breached its SLA target",
    }

    def recipients(self, request, event: str, extra: dict) -> list[str]:
        if event == "approval_requested":
            track = pending_track(request)
            return _emails(approvers_of(track)) if track else []
        if event in ("sla_warning", "sla_breach"):
            group = request.item.fulfilment_group
            return [group.email] if group and group.email else []
        if event == "commented":
            comment = request.comments.select_related("author").get(pk=extra["comment_id"])
            return _emails(u for u in _people(request) if u != comment.author)
        if event in self.headlines:
            return _emails(_people(request))
        raise ValueError(f"Unknown request event: {event}")

    def context(self, request, event: str, extra: dict) -> dict:
        if event == "commented":
            return {
                "comment": request.comments.select_related("author").get(pk=extra["comment_id"])
            }
        return {}


NOTIFIER = register(RequestNotifier())
