"""How changes use the approvals engine (``itsm.approvals``): which policy, who conflicts.

Policies are keyed by risk (low, medium, high) and ``emergency``; standard template
versions use the policy keyed ``template``. The waiting step is read here without a lock
(for buttons and the inbox); decisions go through the engine on the locked row.
"""

from itsm import approvals
from itsm.models import ApprovalTrack

EMERGENCY = "emergency"
TEMPLATE = "template"


def separation_of_duties(change) -> dict:
    """The people who may not approve ``change``, by the rule that bars them."""
    return {"requested it": change.requested_by_id, "implements it": change.implementer_id}


def latest_track(record) -> ApprovalTrack | None:
    return approvals.tracks_of(record).first()
