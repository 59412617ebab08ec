"""The main problem lists read an index, never the whole table (PostgreSQL plans).

Problems are logged through the service, a fifth taken to a published known error, then
copied to ten thousand rows and analysed; every query each list page runs on the problem
table is EXPLAINed (see ``itsm.testing.plans``).
"""

import json

import pytest
from django.db import connection

from itsm.testing.plans import list_plan_failures, multiply
from problems import services
from problems.models import Problem
from problems.tests.factories import KNOWN_ERROR_INPUT, make_problem

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

LOGGED, COPIES = 100, 99
TABLE = Problem._meta.db_table


@pytest.fixture
def world(pat):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's planner")
    for n in range(LOGGED):
        problem = make_problem(reported_by=pat)
        if n % 5:
            continue
        for name in ("assess", "start_analysis"):
            services.problem_transition(problem_id=problem.pk, name=name, actor=pat)
        services.problem_transition(
            problem_id=problem.pk, name="record_known_error", actor=pat, **KNOWN_ERROR_INPUT
        )
        services.problem_transition(problem_id=problem.pk, name="publish_workaround", actor=pat)
    multiply(Problem, COPIES)


def test_problem_lists_read_indexes_not_the_table(world, pat, emma):
    rows = Problem.objects.count()
    assert rows == LOGGED * (COPIES + 1)
    pages = {
        "admin changelist": (pat, "/admin/problems/problem/"),
        "admin changelist, new": (pat, "/admin/problems/problem/?status__exact=new"),
        "admin changelist, known errors": (pat, "/admin/problems/problem/?is_known_error__exact=1"),
        "API list, staff": (pat, "/api/v1/problems/"),
        "API known errors, employee": (emma, "/api/v1/known-errors/"),
        "portal known errors, employee": (emma, "/portal/known-errors/"),
    }

    failures = list_plan_failures(pages, table=TABLE, rows=rows)

    assert not failures, json.dumps(failures, indent=1)
