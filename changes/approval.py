"""How changes use the approvals engine (``itsm.approvals``): which policy, who conflicts.

Policies are keyed by risk (low, medium, high) and ``emergency``; standard template
versions use the policy keyed ``template``. The waiting step is read here without a lock
(for buttons and the inbox); decisions go through the engine on the locked row.
"""

from django.contrib.contenttypes.models import ContentType

from itsm import approvals
from itsm.models import ApprovalTrack

EMERGENCY = "emergency"
TEMPLATE = "template"


def separation_of_duties(change) -> dict:
    """The people who may not approve ``change``, by the rule that bars them."""
    return {"requested it": change.requested_by_id, "implements it": change.implementer_id}


def pending_track(record) -> ApprovalTrack | None:
    """The record's pending track and its step (no lock: for reading)."""
    return (
        ApprovalTrack.objects.filter(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            state=ApprovalTrack.State.PENDING,
        )
        .select_related("step__group", "step__person", "policy")
        .first()
    )


def latest_track(record) -> ApprovalTrack | None:
    return approvals.tracks_of(record).first()


def may_decide_now(user, record) -> bool:
    """``user`` is one of the approvers the record's waiting step waits for."""
    track = pending_track(record)
    return bool(track and user and user.is_authenticated and approvals.may_decide(track, user))
