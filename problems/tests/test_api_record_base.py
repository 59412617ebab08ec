"""The record API checks every record type passes (``itsm.testing.api``), for problems."""

from itsm.testing.api import RecordApiTests
from problems.models import Problem


class TestProblemApi(RecordApiTests):
    model = Problem
    create_data = {"title": "VPN drops every hour", "urgency": "high"}
    update_data = {"root_cause": "The concentrator's session table fills up."}
    # Session, user, roles, the page, then the configuration items and reporters prefetched.
    list_budget = {"requester": 6, "staff": 6}
