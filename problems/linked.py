"""What resolving a problem does to its linked incidents.

Each incident goes through the incident transition service, so it gets its own history
row, its SLA clocks stop and its requesters are notified, exactly as if an agent had
resolved it. The problem's row is locked first and the incidents one by one in id order;
an incident that cannot be resolved (closed, cancelled, or resolved by an agent a moment
ago) is reported, never forced: each incident transition is its own savepoint.
"""

from dataclasses import dataclass, field

from incidents.choices import OPEN_STATUSES, HoldReason, ResolutionCode, Status
from incidents.services import incident_transition
from itsm.audit import system_user
from itsm.notifications import notify_on_commit
from itsm.roles import is_agent
from itsm.workflow import TransitionNotAllowed


@dataclass
class LinkedReport:
    """Incident numbers resolved or resumed, and (number, why) for those left alone."""

    resolved: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _incident_actor(actor):
    # Incident transitions are for agents; a problem manager who is not one acts through
    # the system user, and the reason names them.
    return actor if is_agent(actor) else system_user()


def resolve_linked_incidents(problem, *, actor, resolve: bool) -> LinkedReport:
    """Resolve (when ``resolve``) the problem's open incidents; resume those awaiting it."""
    report = LinkedReport()
    by = actor.get_username()
    linked = problem.incidents.order_by("pk").values_list("pk", "number", "status", "hold_reason")
    for pk, number, status, hold_reason in linked:
        if status in OPEN_STATUSES and resolve:
            try:
                incident_transition(
                    incident_id=pk,
                    name="resolve",
                    actor=_incident_actor(actor),
                    resolution_code=ResolutionCode.SOLVED_BY_PROBLEM,
                    resolution_notes=f"Solved by the fix of {problem.number}: "
                    f"{problem.fix_description}",
                    reason=f"resolved with problem {problem.number} (by {by})",
                )
            except TransitionNotAllowed as refused:
                report.skipped.append((number, refused.message))
            else:
                report.resolved.append(number)
        elif status == Status.ON_HOLD and hold_reason == HoldReason.AWAITING_PROBLEM:
            try:
                incident_transition(
                    incident_id=pk,
                    name="resume",
                    actor=_incident_actor(actor),
                    reason=f"problem {problem.number} resolved (by {by})",
                )
            except TransitionNotAllowed as refused:
                report.skipped.append((number, refused.message))
            else:
                report.resumed.append(number)
                notify_on_commit(problem, "incident_resumed", incident_id=pk)
        elif resolve and status in (Status.CLOSED, Status.CANCELLED):
            report.skipped.append((number, f"{number} is {Status(status).label.lower()}."))
    return report
