"""Who hears what about a postmortem: approvers when it waits for them, the owner about
the outcome and about reminders, action-item owners about their overdue items."""

from itsm.approvals import approvers_of, pending_track
from itsm.notifications import Notifier, register
from postmortems.models import ActionItem, Postmortem


def _emails(users) -> list[str]:
    return sorted({u.email for u in users if u is not None and u.email})


class PostmortemNotifier(Notifier):
    model = Postmortem
    template = "postmortems/email/notification"
    related = ("owner", "incident")
    headlines = {
        "review_requested": "A postmortem waits for your sign-off",
        "published": "A postmortem was published",
        "rejected": "A postmortem was sent back to draft",
        "overdue": "A postmortem is overdue",
        "action_overdue": "A postmortem action item is past its due date",
    }

    def recipients(self, postmortem, event: str, extra: dict) -> list[str]:
        if event == "review_requested":
            track = pending_track(postmortem)
            return _emails(approvers_of(track)) if track else []
        if event == "action_overdue":
            item = ActionItem.objects.select_related("owner").get(pk=extra["action"])
            return _emails([item.owner or postmortem.owner])
        if event in self.headlines:
            return _emails([postmortem.owner])
        raise ValueError(f"Unknown postmortem event: {event}")

    def context(self, postmortem, event: str, extra: dict) -> dict:
        if event == "action_overdue":
            return {"item": ActionItem.objects.get(pk=extra["action"])}
        return {}


NOTIFIER = register(PostmortemNotifier())
