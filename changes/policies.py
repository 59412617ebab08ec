"""The change advisory boards and the approval policies changes run under.

Seeded by the demo and the tests (policies are data an administrator edits afterwards):
low risk: any one CAB member; medium: two; high: two CAB members, then the change
manager; emergency: one of the emergency CAB; a template version: any one CAB member.
"""

from changes.approval import EMERGENCY, TEMPLATE
from changes.models import Change, TemplateVersion
from itsm.models import ApprovalPolicy, ApprovalStep, Team

CAB = "Change Advisory Board"
ECAB = "Emergency CAB"


def _policy(model, key: str, name: str, steps) -> ApprovalPolicy:
    policy, created = ApprovalPolicy.objects.get_or_create(
        record_type=model._meta.label_lower, key=key, defaults={"name": name}
    )
    if created:
        for order, (kind, target, required) in enumerate(steps, start=1):
            ApprovalStep.objects.create(
                policy=policy,
                order=order,
                kind=kind,
                group=None if kind == "person" else target,
                person=target if kind == "person" else None,
                required=required,
            )
    return policy


def ensure_approval_setup(users) -> dict:
    """The boards (CAB: alex and avery; emergency CAB: alex and avery) and the policies,
    created once; ``users`` are the demo people by username."""
    boards = {}
    for name in (CAB, ECAB):
        team, _ = Team.objects.get_or_create(
            name=name, defaults={"tier": 2, "manager": users["chris"]}
        )
        current = set(team.members.values_list("username", flat=True))
        missing = [users[u] for u in ("alex", "avery") if u not in current]
        if missing:
            team.members.add(*missing)
        boards[name] = team
    cab, ecab = boards[CAB], boards[ECAB]
    _policy(Change, "low", "Low-risk change: any one CAB member", [("any_one", cab, 1)])
    _policy(Change, "medium", "Medium-risk change: two CAB members", [("n_of", cab, 2)])
    _policy(
        Change,
        "high",
        "High-risk change: two CAB members, then the change manager",
        [("n_of", cab, 2), ("person", users["chris"], 1)],
    )
    _policy(Change, EMERGENCY, "Emergency change: one of the emergency CAB", [("any_one", ecab, 1)])
    _policy(
        TemplateVersion,
        TEMPLATE,
        "Standard template version: any one CAB member",
        [("any_one", cab, 1)],
    )
    return boards
