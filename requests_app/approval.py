"""How requests use the approvals engine (``itsm.approvals``).

Each catalogue item that needs approval has its own policy (record type
``requests_app.servicerequest``, key ``item-<pk>``) kept in step with the item's rule by
:func:`sync_item_policy`: the line manager of the person the request is for, the item's
approver group, or both in that order. Nobody approves a request they made or one made
for them (:func:`separation_of_duties`).
"""

from django.db import transaction

from itsm import approvals
from itsm.audit import record_change
from itsm.models import ApprovalPolicy, ApprovalStep, ApprovalTrack
from requests_app.choices import ApprovalRule

RECORD_TYPE = "requests_app.servicerequest"


def separation_of_duties(request) -> dict:
    return {"requested it": request.requested_by_id, "it is for you": request.requested_for_id}


def _wanted_steps(item) -> list[tuple[str, int | None]]:
    manager = (ApprovalStep.Kind.MANAGER, None)
    group = (ApprovalStep.Kind.ANY_ONE, item.approver_group_id)
    return {
        ApprovalRule.NONE: [],
        ApprovalRule.MANAGER: [manager],
        ApprovalRule.GROUP: [group],
        ApprovalRule.MANAGER_THEN_GROUP: [manager, group],
    }[item.approval]


@transaction.atomic
def sync_item_policy(item, *, actor) -> ApprovalPolicy | None:
    """Create or update the item's approval policy from its rule (audited); an item that
    needs no approval has its policy deactivated. A policy some request already ran under
    is retired (kept under another key, inactive) rather than edited, so those tracks keep
    their steps."""
    wanted = _wanted_steps(item)
    policy = ApprovalPolicy.objects.filter(record_type=RECORD_TYPE, key=item.policy_key).first()
    if policy is None and not wanted:
        return None
    current = [(s.kind, s.group_id) for s in policy.steps.order_by("order")] if policy else []
    if policy is not None and wanted and current != wanted:
        if ApprovalTrack.objects.filter(policy=policy).exists():
            policy.key, policy.is_active = f"{item.policy_key}-r{policy.pk}"[:40], False
            record_change(policy, actor, f"retired: approval rule of {item.name} changed")
            policy.save()
            policy = None
        else:
            for step in policy.steps.all():
                record_change(step, actor, "removed")
                step.delete()
    created = policy is None
    if created:
        policy = ApprovalPolicy(record_type=RECORD_TYPE, key=item.policy_key)
    name = f"Request for {item.name}: {item.get_approval_display().lower()}"[:100]
    if created or (policy.name, policy.is_active) != (name, bool(wanted)):
        policy.name, policy.is_active = name, bool(wanted)
        record_change(policy, actor, f"approval rule of {item.name}")
        policy.save()
    if wanted and (created or current != wanted):
        for order, (kind, group_id) in enumerate(wanted, start=1):
            step = ApprovalStep(policy=policy, order=order, kind=kind, group_id=group_id)
            record_change(step, actor, f"approval rule of {item.name}")
            step.save()
    return policy


def open_for(request, *, actor) -> ApprovalTrack:
    policy = approvals.policy_for(type(request), request.item.policy_key)
    return approvals.open_track(request, policy, actor=actor, subject=request.requested_for)
