"""The alert event and inbox lists read an index, never the whole table (PostgreSQL plans).

Alert events are applied through the service, then the events and the inbox are copied
to ten thousand rows each and analysed; every query each list runs on the table is
EXPLAINed (see ``itsm.testing.plans``).
"""

import json

import pytest
from django.db import connection

from alerts.models import AlertEvent, AlertInbox
from alerts.tests.test_lists import _events
from itsm.testing.plans import list_plan_failures, multiply

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

APPLIED, COPIES = 20, 499


@pytest.fixture
def sam(people):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's planner")
    _events(APPLIED)
    multiply(AlertEvent, COPIES, unique=("grouping_key",), shifted=("first_seen", "last_seen"))
    multiply(AlertInbox, COPIES, unique=(), shifted=("received_at",))
    return people["sam"]


def test_alert_event_lists_read_indexes_not_the_table(sam):
    rows = AlertEvent.objects.count()
    assert rows == APPLIED * (COPIES + 1)
    pages = {
        "admin changelist": (sam, "/admin/alerts/alertevent/"),
        "admin changelist, firing": (sam, "/admin/alerts/alertevent/?status__exact=firing"),
        "API list": (sam, "/api/v1/alert-events/"),
        "API list, cleared": (sam, "/api/v1/alert-events/?status=cleared"),
    }

    failures = list_plan_failures(pages, table=AlertEvent._meta.db_table, rows=rows)

    assert not failures, json.dumps(failures, indent=1)


def test_the_alert_inbox_list_reads_an_index_not_the_table(sam):
    rows = AlertInbox.objects.count()
    assert rows == APPLIED * (COPIES + 1)
    pages = {
        "admin changelist": (sam, "/admin/alerts/alertinbox/"),
        "admin changelist, failed": (sam, "/admin/alerts/alertinbox/?state__exact=failed"),
    }

    failures = list_plan_failures(pages, table=AlertInbox._meta.db_table, rows=rows)

    assert not failures, json.dumps(failures, indent=1)
