"""One POST endpoint per transition a record type's table offers the API.

The endpoint's body is built from the transition's declared inputs
(:func:`itsm.api.inputs.transition_serializer`), and its OpenAPI entry names the error
codes it can answer with: the ones every transition shares, and the ones its guard and
apply functions raise (read from their code, so a new refusal is documented without
being listed twice).
"""

import inspect
from collections import defaultdict

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action

from itsm.api.inputs import ApiErrorSerializer, transition_serializer
from itsm.errors import CODES
from itsm.workflow import Transition

# Codes any transition endpoint may answer with; "invalid" and "not_found" are the API's
# own (a body that does not fit the schema, a record out of scope).
SHARED = {
    400: ("invalid",),
    403: ("not_permitted",),
    404: ("not_found",),
    409: ("stale_version", "invalid_state"),
}


def _constants(code) -> set[str]:
    found = set()
    for const in code.co_consts:
        if isinstance(const, str):
            found.add(const)
        elif inspect.iscode(const):
            found |= _constants(const)
    return found


def raised_codes(*functions) -> set[str]:
    """The registered error codes named in ``functions`` and the functions of their own
    module they call."""
    seen, codes = set(), set()
    stack = [f for f in functions if inspect.isfunction(f)]
    while stack:
        function = stack.pop()
        if function in seen:
            continue
        seen.add(function)
        codes |= {name for name in _constants(function.__code__) if name in CODES}
        for name in function.__code__.co_names:
            called = function.__globals__.get(name)
            if inspect.isfunction(called) and called.__module__ == function.__module__:
                stack.append(called)
    return codes


def error_codes(transition: Transition) -> dict[int, list[str]]:
    """HTTP status -> the error codes ``transition``'s endpoint may answer with."""
    by_status = defaultdict(list)
    for status, codes in SHARED.items():
        by_status[status].extend(codes)
    own = raised_codes(transition.guard, transition.apply)
    if transition.needs_reason:
        own.add("reason_required")
    for code in sorted(own):
        if code not in by_status[CODES[code].status]:
            by_status[CODES[code].status].append(code)
    return dict(sorted(by_status.items()))


def error_responses(codes: dict[int, list[str]]) -> dict[int, OpenApiResponse]:
    return {
        status: OpenApiResponse(
            ApiErrorSerializer,
            description="`code` is one of: " + ", ".join(f"`{code}`" for code in names),
        )
        for status, names in codes.items()
    }


def transition_action(transition: Transition, *, prefix: str, response):
    """The viewset method for ``transition``: ``POST <record>/<slug>/``."""
    serializer = transition_serializer(transition, prefix)

    def endpoint(self, request, pk=None):
        return self.run_transition(transition, serializer)

    endpoint.__name__ = transition.name
    endpoint.__doc__ = f"{transition.label} ({transition.who})."
    routed = action(detail=True, methods=["post"], url_path=transition.slug, filter_backends=[])(
        endpoint
    )
    return extend_schema(
        request=serializer,
        responses={200: response, **error_responses(error_codes(transition))},
        operation_id=f"{prefix.lower()}_{transition.name}",
        summary=transition.label,
        description=f"{transition.label}. Who may: {transition.who}."
        + (" A reason is required." if transition.needs_reason else ""),
    )(routed)
