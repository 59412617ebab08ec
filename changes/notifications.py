"""Who hears about what happens to a change, and what the message says.

Approvers hear when a step opens (``approval_requested``); the change manager, the
implementer, the requester and the watchers hear about the rest.
"""

from changes.approval import pending_track
from changes.models import Change
from itsm.approvals import approvers_of
from itsm.notifications import Notifier, register


def _emails(users) -> list[str]:
    return sorted({u.email for u in users if u is not None and u.email})


def _people(change) -> list:
    return [change.change_manager, change.implementer, change.requested_by, *change.watchers.all()]


class ChangeNotifier(Notifier):
    model = Change
    template = "changes/email/notification"
    related = ("requested_by", "change_manager", "implementer")
    headlines = {
        "logged": "A change was logged",
        "submitted": "A change was submitted for assessment",
        "approval_requested": "A change waits for your approval",
        "approval_rejected": "An approver rejected a change",
        "authorised": "An emergency change was authorised",
        "scheduled": "A change was scheduled",
        "rejected": "A change was rejected",
        "implemented": "A change was implemented and waits for review",
        "closed": "A change was closed",
        "cancelled": "A change was cancelled",
        "retrospective_overdue": "An emergency change's retrospective approval is overdue",
        "commented": "New comment on a change",
    }

    def recipients(self, change, event: str, extra: dict) -> list[str]:
        if event == "approval_requested":
            track = pending_track(change)
            return _emails(approvers_of(track)) if track else []
        if event == "retrospective_overdue":
            return _emails([change.change_manager])
        if event == "commented":
            comment = change.comments.select_related("author").get(pk=extra["comment_id"])
            return _emails(u for u in _people(change) if u != comment.author)
        if event in self.headlines:
            return _emails(_people(change))
        raise ValueError(f"Unknown change event: {event}")

    def context(self, change, event: str, extra: dict) -> dict:
        if event == "commented":
            return {"comment": change.comments.select_related("author").get(pk=extra["comment_id"])}
        return {}


NOTIFIER = register(ChangeNotifier())
