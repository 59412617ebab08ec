"""Status changes: the transition table in ``requests_app.workflow``, applied."""

from itsm.workflow import run_transition
from requests_app.models import ServiceRequest
from requests_app.workflow import WORKFLOW


def request_transition(
    *, request_id, name: str, actor, expected_version: int | None = None, **params
) -> ServiceRequest:
    """Run the named transition: the only way a request's status changes.

    The request is read again (with its item) before it is returned.
    """
    params["actor"] = actor
    run_transition(
        WORKFLOW,
        model=ServiceRequest,
        pk=request_id,
        name=name,
        actor=actor,
        params=params,
        expected_version=expected_version,
        related=("item",),
    )
    return ServiceRequest.objects.select_related("item").get(pk=request_id)
