"""Query budgets of the write paths: a create or a transition costs a fixed few queries.

Each budget counts everything the request does: session and user, validation, the
number, the priority, the SLA due times, the row, its history, the notification queued
after commit and the read-back of the result.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Incident
from incidents.tests.factories import make_incident
from incidents.tests.helpers_api import API
from incidents.tests.helpers_portal import REPORT

pytestmark = pytest.mark.django_db

# Validation (the category, with the group it routes to), roles, priority, number, SLA
# policy with targets, hours and holidays, the row, its history, the watcher list's
# history, read-back. (The test client authenticates without a session.) The foreign keys
# are not checked again by a query each: the caller read them.
CREATE_BUDGET = 11
# The portal adds the session and the user, and its report form looks for known errors to
# offer before logging (one search); it redirects instead of reading the record back.
PORTAL_CREATE_BUDGET = CREATE_BUDGET + 3


def _count(call) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    return response, statements


def test_api_create_stays_within_budget(api_as, emma, network_category):
    client = api_as(emma)
    make_incident(reporter=emma)  # the number sequence and caches exist, as in production
    body = {"title": "VPN drops", "category": network_category.pk, "urgency": "high"}

    response, statements = _count(lambda: client.post(API, body, format="json"))

    assert response.status_code == 201, response.content
    assert len(statements) <= CREATE_BUDGET, "\n".join(statements)


def test_portal_create_stays_within_budget(as_user, emma, network_category):
    client = as_user(emma)
    make_incident(reporter=emma)
    data = {
        "title": "Printer jams",
        "description": "Error E-42.",
        "category": network_category.pk,
        "urgency": "high",
    }

    response, statements = _count(lambda: client.post(REPORT, data))

    assert response.status_code == 302, response.content
    assert Incident.objects.count() == 2
    assert len(statements) <= PORTAL_CREATE_BUDGET, "\n".join(statements)
