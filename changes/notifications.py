"""Who hears about what happens to a change, and what the message says.

Approvers hear when a step opens (``approval_requested``) and when it waits too long
(``approval_reminder``); the implementer before the planned start; the implementer and the
change manager when a change has not started or ended on time; the change manager, the
implementer, the requester and the watchers hear about the rest.
"""

from changes.approval import separation_of_duties
from changes.models import Change
from itsm.approvals import approvers_of, pending_track
from itsm.notifications import Notifier, register


def _emails(users) -> list[str]:
    return sorted({u.email for u in users if u is not None and u.email})


def waiting_approvers(change) -> list:
    """The approvers the change's waiting step still waits for: not those who decided on
    it already, nor those separation of duties bars from approving it."""
    track = pending_track(change)
    if track is None:
        return []
    decided = set(
        track.approvals.filter(step=track.step, voided_at__isnull=True).values_list(
            "approver_id", flat=True
        )
    )
    barred = {pk for pk in separation_of_duties(change).values() if pk}
    return [u for u in approvers_of(track) if u.pk not in decided | barred]


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
        "approval_reminder": "Reminder: a change still waits for your approval",
        "start_reminder": "Reminder: a change you implement starts soon",
        "start_overdue": "A scheduled change has not started on time",
        "end_overdue": "A change being implemented has not ended on time",
        "commented": "New comment on a change",
    }

    def recipients(self, change, event: str, extra: dict) -> list[str]:
        if event in ("approval_requested", "approval_reminder"):
            return _emails(waiting_approvers(change))
        if event == "start_reminder":
            return _emails([change.implementer or change.change_manager])
        if event in ("start_overdue", "end_overdue"):
            return _emails([change.implementer, change.change_manager])
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
