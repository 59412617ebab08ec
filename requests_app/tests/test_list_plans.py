"""The request lists, the task lists and the approvals inboxes read indexes, never the
whole table (PostgreSQL plans).

Requests are raised through the services (tasks and approval tracks with them), then
every table is copied to a few thousand rows and analysed (copied tracks have ended, as
most do); every query each page runs on the table is EXPLAINed (``itsm.testing.plans``).
"""

import json

import pytest
from django.db import connection

from itsm.models import ApprovalTrack
from itsm.testing.plans import list_plan_failures, multiply
from requests_app import services
from requests_app.models import FulfilmentTask, ServiceRequest
from requests_app.tests.factories import make_item, make_request, setup

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

REQUESTERS = ("emma", "eli", "dana", "ravi", "nina", "hana")
RAISED, COPIES = 36, 149
# Copies of ended tracks point past every real record.
FAR = "k * 1000000"


@pytest.fixture
def world():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's planner")
    users = setup()
    plain, managed = make_item(), make_item(approval="manager")
    for index in range(RAISED):
        make_request(requester=users[REQUESTERS[index % len(REQUESTERS)]], item=plain)
    waiting = [make_request(requester=users[name], item=managed) for name in REQUESTERS]
    services.request_transition(request_id=waiting[0].pk, name="approve", actor=users["chris"])
    multiply(ServiceRequest, COPIES)
    multiply(FulfilmentTask, COPIES, unique=())
    multiply(
        ApprovalTrack,
        COPIES,
        unique=(),
        shifted=("step_opened_at", "started_at"),
        values={"state": "'approved'", "object_id": f'"object_id" + {FAR}'},
    )
    return users, waiting


def _check(pages, model):
    rows = model.objects.count()
    failures = list_plan_failures(pages, table=model._meta.db_table, rows=rows)
    assert not failures, json.dumps(failures, indent=1)
    return rows


def test_request_lists_read_indexes_not_the_table(world):
    users, _waiting = world
    sam, emma = users["sam"], users["emma"]
    pages = {
        "admin changelist": (sam, "/admin/requests_app/servicerequest/"),
        "admin changelist, awaiting approval": (
            sam,
            "/admin/requests_app/servicerequest/?status__exact=awaiting_approval",
        ),
        "API list, staff": (sam, "/api/v1/requests/"),
        "API list, employee": (emma, "/api/v1/requests/"),
        "portal, my requests": (emma, "/portal/requests/"),
    }
    assert _check(pages, ServiceRequest) >= (RAISED + len(REQUESTERS)) * (COPIES + 1)


def test_task_lists_read_indexes_not_the_table(world):
    users, _waiting = world
    sam, emma = users["sam"], users["emma"]
    mine = ServiceRequest.objects.filter(requested_by=emma, tasks__isnull=False).first()
    pages = {
        "admin task changelist": (sam, "/admin/requests_app/fulfilmenttask/"),
        "admin task changelist, open": (
            sam,
            "/admin/requests_app/fulfilmenttask/?status__exact=open",
        ),
        "API task list, staff": (sam, "/api/v1/request-tasks/"),
        "the employee's request page": (emma, mine.get_absolute_url()),
    }
    _check(pages, FulfilmentTask)


def test_approvals_inboxes_read_indexes_not_the_table(world):
    users, _waiting = world
    chris = users["chris"]
    pages = {
        "portal inbox": (chris, "/portal/approvals/"),
        "console inbox": (chris, "/admin/approvals/"),
    }
    _check(pages, ApprovalTrack)
