"""The change kit for the shared test harnesses (``itsm.testing``).

Records start as standard changes from an approved template; ``submit`` and
``submit_emergency`` turn a draft into a normal or an emergency change, so one kind of
draft reaches every row of the table.
"""

from changes.tests.factories import make_standard_change, setup
from itsm.testing.kit import RecordKit


def people():
    """The change manager first (he requests), the service desk, then the approvers."""
    users = setup()
    return [users["chris"], users["sam"], users["alex"], users["avery"]]


KIT = RecordKit(
    create=lambda requester, **fields: make_standard_change(requested_by=requester, **fields),
    people=people,
    inputs={"close": lambda change: {"closure_code": "successful"}},
    prepare={
        "authorise": ("approve",),
        "authorise_emergency": ("approve",),
        "decline": ("reject",),
    },
)
