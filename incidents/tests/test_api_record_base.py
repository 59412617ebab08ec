"""The record API checks every record type passes (``itsm.testing.api``), for incidents."""

from incidents.models import Incident
from itsm.testing.api import RecordApiTests


class TestIncidentApi(RecordApiTests):
    model = Incident
    create_data = {"title": "VPN drops every hour", "urgency": "high"}
    update_data = {"title": "VPN drops every hour since Monday"}
    # Session, user, roles, the page; staff also prefetch what is not joined.
    list_budget = {"requester": 4, "staff": 7}
