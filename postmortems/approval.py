"""How postmortems use the approvals engine: which policy, who may not approve.

The sign-off is the owner group of the incident's service (the first affected service
when the incident names none). Policies are data keyed ``service-<id>``, one step "any
one of the owner group" each (:func:`ensure_service_policy` seeds one); a policy keyed
``default`` covers services that have none.
"""

from itsm.approvals import policy_for
from itsm.errors import Refused
from itsm.models import ApprovalPolicy, ApprovalStep

DEFAULT = "default"
RECORD_TYPE = "postmortems.postmortem"


def service_key(service) -> str:
    return f"service-{service.pk}"


def primary_service(postmortem):
    service = postmortem.incident.service
    if service is None:
        service = postmortem.services_affected.order_by("name").first()
    return service


def policy_of(postmortem) -> ApprovalPolicy:
    """The policy of the postmortem's service, else the default one (refused if neither)."""
    model = type(postmortem)
    service = primary_service(postmortem)
    if service is not None:
        try:
            return policy_for(model, service_key(service))
        except Refused:
            pass
    return policy_for(model, DEFAULT)


def separation_of_duties(postmortem) -> dict:
    """The people who may not approve ``postmortem``, by the rule that bars them."""
    return {"owns it": postmortem.owner_id}


def ensure_service_policy(service) -> ApprovalPolicy | None:
    """A policy for ``service``: any one of its owner group (None without an owner group)."""
    if service.owner_group_id is None:
        return None
    policy, created = ApprovalPolicy.objects.get_or_create(
        record_type=RECORD_TYPE,
        key=service_key(service),
        defaults={"name": f"Postmortem on {service.name}: any one of its owner group"[:100]},
    )
    if created:
        ApprovalStep.objects.create(
            policy=policy, order=1, kind=ApprovalStep.Kind.ANY_ONE, group=service.owner_group
        )
    return policy
