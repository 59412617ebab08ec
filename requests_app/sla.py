"""The service request SLA clocks: response and resolution, in business time.

Both clocks start at ``submitted_at``. The response clock stops at ``responded_at``
(fulfilment started, or the first public comment from staff); the resolution clock stops
at ``fulfilled_at``; closing, cancelling or rejecting stops both at ``closed_at``. A
policy that names ``awaiting_approval`` in its pause list pauses the clocks while the
approvers decide. The policy is the item's (or the default service request policy).
"""

from itsm.choices import RecordKind
from itsm.sla.models import SlaClock
from itsm.sla.records import RecordSla, pauses_clock
from requests_app.choices import OPEN_STATUSES, Status
from requests_app.models import ServiceRequest

REQUEST_SLA = RecordSla(
    model=ServiceRequest,
    policy_kind=RecordKind.REQUEST,
    starts="submitted_at",
    stops={SlaClock.RESPONSE: "responded_at", SlaClock.RESOLUTION: "fulfilled_at"},
    ended_at="closed_at",
    end_statuses=frozenset({Status.CLOSED, Status.CANCELLED, Status.REJECTED}),
    open_statuses=frozenset(OPEN_STATUSES),
    pause_statuses=frozenset({Status.AWAITING_APPROVAL}),
)

clocks = REQUEST_SLA.clocks
explain = REQUEST_SLA.explain
refresh = REQUEST_SLA.refresh


def policy_for(item):
    """The item's SLA policy, or the default one for service requests."""
    return item.sla_policy or REQUEST_SLA.default_policy()


def pause(request, at) -> list[str]:
    """Pause the clocks while approval is awaited, when the policy says so."""
    if not pauses_clock(request.sla_policy, Status.AWAITING_APPROVAL):
        return []
    REQUEST_SLA.pause(request, reason=Status.AWAITING_APPROVAL, started_at=at)
    return refresh(request)


def resume(request, at) -> list[str]:
    REQUEST_SLA.end_pause(request, at)
    return refresh(request)


__all__ = ["REQUEST_SLA", "clocks", "explain", "pause", "policy_for", "refresh", "resume"]
