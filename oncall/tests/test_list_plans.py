"""The page lists read an index, never the whole table (PostgreSQL plans).

Pages are sent through the service, then copied to ten thousand rows (each copy a later
round of the same incidents) and analysed; every query each list runs on the page table
is EXPLAINed (see ``itsm.testing.plans``).
"""

import json

import pytest
from django.db import connection

from incidents.tests.factories import network_team
from itsm.testing.plans import list_plan_failures, multiply
from oncall.models import Page
from oncall.tests.factories import network_on_call
from oncall.tests.test_lists import pages as send_pages

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SENT, COPIES = 10, 999


@pytest.fixture
def sam(people):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's planner")
    network_on_call(people)
    send_pages(people, SENT)
    multiply(Page, COPIES, unique=(), shifted=("sent_at",), offset=("cycle",))
    return people["sam"]


def test_page_lists_read_indexes_not_the_table(sam, people):
    rows = Page.objects.count()
    assert rows == SENT * (COPIES + 1)
    ravi = people["ravi"].pk
    team = network_team().pk
    pages = {
        "admin changelist": (sam, "/admin/oncall/page/"),
        "admin changelist, acknowledged in the API": (
            sam,
            "/admin/oncall/page/?acknowledged_via__exact=api",
        ),
        "API list": (sam, "/api/v1/oncall/pages/"),
        "API list, someone's open pages": (sam, f"/api/v1/oncall/pages/?person={ravi}&open=true"),
        "API list, someone's pages": (sam, f"/api/v1/oncall/pages/?person={ravi}"),
        "API list, a group's pages": (sam, f"/api/v1/oncall/pages/?team={team}"),
    }

    failures = list_plan_failures(pages, table=Page._meta.db_table, rows=rows)

    assert not failures, json.dumps(failures, indent=1)
