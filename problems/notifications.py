"""Who hears about what happens to a problem, and what the message says.

The plumbing (queueing after commit, the task, sending once) is ``itsm.notifications``.
"""

from itsm.notifications import Notifier, register
from problems.models import Problem


def _emails(users) -> list[str]:
    return sorted({u.email for u in users if u is not None and u.email})


def _workers(problem) -> list:
    if problem.assignee_id:
        return [problem.assignee]
    group = problem.assignment_group
    return list(group.members.all()) if group else []


class ProblemNotifier(Notifier):
    model = Problem
    template = "problems/email/notification"
    related = ("reported_by", "assignee", "assignment_group")
    headlines = {
        "logged": "A problem was logged",
        "commented": "New comment on a problem",
        "known_error": "A problem is now a known error",
        "workaround_published": "A workaround was published to employees",
        "resolved": "A problem has been resolved",
        "incident_resumed": "An incident awaiting this problem was resumed",
    }

    def recipients(self, problem, event: str, extra: dict) -> list[str]:
        if event in ("logged", "known_error", "workaround_published", "resolved"):
            return _emails([*_workers(problem), *problem.watchers.all()])
        if event == "commented":
            comment = problem.comments.select_related("author").get(pk=extra["comment_id"])
            people = [*_workers(problem), *problem.watchers.all(), problem.reported_by]
            return _emails(u for u in people if u != comment.author)
        if event == "incident_resumed":
            incident = problem.incidents.select_related("assignee").get(pk=extra["incident_id"])
            return _emails([incident.assignee])
        raise ValueError(f"Unknown problem event: {event}")

    def context(self, problem, event: str, extra: dict) -> dict:
        if event == "incident_resumed":
            return {"incident": problem.incidents.get(pk=extra["incident_id"])}
        if event == "commented":
            comment = problem.comments.select_related("author").get(pk=extra["comment_id"])
            return {"comment": comment}
        return {}


NOTIFIER = register(ProblemNotifier())
