"""The main change lists read an index, never the whole table (PostgreSQL plans).

Changes are raised through the service, then copied to ten thousand rows and analysed;
every query each list page runs on the change table is EXPLAINed (see
``itsm.testing.plans``).
"""

import json

import pytest
from django.db import connection

from changes.models import Change
from changes.tests.factories import make_change, setup
from itsm.testing.plans import list_plan_failures, multiply

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

RAISED, COPIES = 50, 199
TABLE = Change._meta.db_table


@pytest.fixture
def users():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's planner")
    users = setup()
    for _ in range(RAISED):
        make_change(requested_by=users["chris"])
    multiply(Change, COPIES, shifted=("created_at", "updated_at", "planned_start", "planned_end"))
    return users


def test_change_lists_read_indexes_not_the_table(users):
    rows = Change.objects.count()
    assert rows == RAISED * (COPIES + 1)
    sam, chris = users["sam"], users["chris"]
    pages = {
        "admin changelist": (sam, "/admin/changes/change/"),
        "admin changelist, new": (sam, "/admin/changes/change/?status__exact=new"),
        "API list, staff": (sam, "/api/v1/changes/"),
        "API list, requester": (chris, "/api/v1/changes/"),
    }

    failures = list_plan_failures(pages, table=TABLE, rows=rows)

    assert not failures, json.dumps(failures, indent=1)
