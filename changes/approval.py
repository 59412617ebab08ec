"""How changes use the approvals engine (``itsm.approvals``): which policy, who conflicts.

Policies are keyed by risk (low, medium, high) and ``emergency``; standard template
versions use the policy keyed ``template``. Decisions go through the engine on the locked
row (``changes.workflow.SIGN_OFF``).
"""

EMERGENCY = "emergency"
TEMPLATE = "template"


def separation_of_duties(change) -> dict:
    """The people who may not approve ``change``, by the rule that bars them."""
    return {"requested it": change.requested_by_id, "implements it": change.implementer_id}
