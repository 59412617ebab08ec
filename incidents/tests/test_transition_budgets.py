"""Query budgets of every incident transition through the service.

A transition locks the row (with its SLA policy and group), checks the table, applies,
saves once with history and queues its notification. The SLA policy with its targets,
working hours and holidays is read at most once per write, however many times the
transition recomputes the due times (a resolve that also ends a hold does so twice).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents import services
from incidents.choices import Status
from incidents.tests.factories import incident_in, network_team
from incidents.workflow import WORKFLOW

pytestmark = pytest.mark.django_db

RESOLUTION = {"resolution_code": "workaround", "resolution_notes": "Restarted."}
RESOLVE = {"name": "resolve", **RESOLUTION}

# name: (source status, who runs it, input, major incident first)
CASES = {
    "assign": (Status.NEW, "sam", lambda: {"group": network_team(), "assignee": "ravi"}, False),
    "start": (Status.ASSIGNED, "ravi", dict, False),
    "hold": (Status.IN_PROGRESS, "ravi", lambda: {"hold_reason": "awaiting_caller"}, False),
    "resume": (Status.ON_HOLD, "ravi", dict, False),
    "escalate": (Status.ASSIGNED, "ravi", dict, False),
    "escalate_to_manager": (Status.ASSIGNED, "ravi", lambda: {"reason": "VIP"}, False),
    "resolve": (Status.IN_PROGRESS, "ravi", lambda: dict(RESOLUTION), False),
    "resolve_from_hold": (Status.ON_HOLD, "ravi", lambda: dict(RESOLUTION), False),
    "confirm": (Status.RESOLVED, "emma", dict, False),
    "reject": (Status.RESOLVED, "emma", lambda: {"reason": "Still broken."}, False),
    "close": (Status.RESOLVED, "sam", dict, False),
    "cancel": (Status.IN_PROGRESS, "sam", lambda: {"reason": "Logged twice."}, False),
    "declare_major": (Status.IN_PROGRESS, "ravi", dict, False),
    "stand_down_major": (Status.IN_PROGRESS, "ravi", dict, True),
}
# Every transition: the locked row (with its policy, calendar and group), the actor's
# roles, the row's update, its history row and the watcher list's history snapshot.
# Those that move an SLA clock add the SLA policy's targets, working hours and holidays
# (3) and the record's pauses and events (2), each read once; a pause adds its row and
# history (2) and closing one the same; assign checks the assignee is in the group,
# escalate reads the next tier, close checks the confirmation and resolve looks for
# open children (and loads none).
BUDGETS = {
    "assign": 11,
    "start": 4,
    "hold": 11,
    "resume": 11,
    "escalate": 5,
    "escalate_to_manager": 4,
    "resolve": 10,
    "resolve_from_hold": 12,
    "confirm": 4,
    "reject": 11,
    "close": 5,
    "cancel": 10,
    "declare_major": 4,
    "stand_down_major": 4,
}
SLA_TABLES = ("itsm_slatarget", "itsm_workinghours", "itsm_holiday")


def count(call) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"].upper()]


@pytest.mark.parametrize("case", CASES)
def test_transition_stays_within_budget(case, request, emma, ravi, sam):
    source, who, params, major = CASES[case]
    name = case.removesuffix("_from_hold")
    incident = incident_in(source, reporter=emma, agent=ravi, desk=sam, major=major)
    if name == "close":
        services.incident_transition(incident_id=incident.pk, name="confirm", actor=emma)
    actor = request.getfixturevalue(who)
    given = params()
    if given.get("assignee") == "ravi":
        given["assignee"] = ravi

    statements = count(
        lambda: services.incident_transition(
            incident_id=incident.pk, name=name, actor=actor, **given
        )
    )

    assert len(statements) <= BUDGETS[case], "\n".join(statements)


def test_a_write_reads_the_policy_and_the_pauses_once(emma, ravi, sam):
    """Resolving from a hold recomputes the due times twice (the pause ends, then the
    resolution stops the clock) on one read of each SLA table."""
    incident = incident_in(Status.ON_HOLD, reporter=emma, agent=ravi, desk=sam)

    statements = count(
        lambda: services.incident_transition(incident_id=incident.pk, actor=ravi, **RESOLVE)
    )

    reads = [s for s in statements if s.startswith("SELECT")]
    for table in (*SLA_TABLES, "incidents_slapause", "incidents_slaevent"):
        assert sum(f'FROM "{table}"' in s for s in reads) == 1, table


def test_every_transition_has_a_budget():
    assert {case.removesuffix("_from_hold") for case in CASES} == set(WORKFLOW.names())
    assert set(BUDGETS) == set(CASES)
