"""The change kit for the shared test harnesses (``itsm.testing``).

Records start as standard changes from an approved template; ``submit`` and
``submit_emergency`` turn a draft into a normal or an emergency change, so one kind of
draft reaches every row of the table.
"""

from changes.choices import Status
from changes.tests.factories import make_standard_change, setup
from changes.workflow import SIGN_OFF
from itsm.testing.approvals import track_decided
from itsm.testing.kit import RecordKit

DECIDING = frozenset({Status.AUTHORISATION, Status.EMERGENCY_AUTHORISATION})
APPROVED = track_decided(SIGN_OFF, "approved", DECIDING)
REJECTED = track_decided(SIGN_OFF, "rejected", DECIDING)


def people():
    """The change manager first (he requests), the service desk, then the approvers."""
    users = setup()
    return [users["chris"], users["sam"], users["alex"], users["avery"]]


KIT = RecordKit(
    create=lambda requester, **fields: make_standard_change(requested_by=requester, **fields),
    people=people,
    inputs={"close": lambda change: {"closure_code": "successful"}},
    prepare={"authorise": (APPROVED,), "authorise_emergency": (APPROVED,), "decline": (REJECTED,)},
    follow_ups={"approve": ("authorise", "authorise_emergency"), "reject": ("decline",)},
)
