"""The problem kit for the shared test harnesses (``itsm.testing``)."""

from itsm.demo.people import load_people
from itsm.testing.kit import RecordKit
from problems.tests.factories import KNOWN_ERROR_INPUT, RESOLVE_INPUT, make_problem


def people():
    """The problem manager first (only problem staff log problems), a resolver, the desk."""
    users = load_people()
    return [users["pat"], users["ravi"], users["sam"]]


KIT = RecordKit(
    create=lambda requester, **fields: make_problem(reported_by=requester, **fields),
    people=people,
    inputs={
        "record_known_error": lambda problem: dict(KNOWN_ERROR_INPUT),
        "resolve": lambda problem: {**RESOLVE_INPUT, "linked_incidents": "resolve"},
    },
    prepare={"withdraw_workaround": ("publish_workaround",)},
)
