"""The problem demo records load through the loader the app registers, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from incidents.choices import ResolutionCode
from incidents.choices import Status as IncidentStatus
from problems.choices import Origin, Status
from problems.demo import MAJOR_PROBLEM, PROBLEMS
from problems.models import Problem
from problems.selectors import known_error_list_visible_to, known_error_search

pytestmark = pytest.mark.django_db


def test_demo_data_loads_the_problems_once_in_their_states(emma):
    call_command("demo_data", stdout=StringIO())
    first = Problem.objects.count()
    rows = Problem.history.count()

    call_command("demo_data", stdout=StringIO())

    assert first == len(PROBLEMS) + 1
    assert Problem.objects.count() == first
    assert Problem.history.count() == rows
    assert known_error_list_visible_to(user=emma).count() == 2
    resolved = Problem.objects.get(status=Status.RESOLVED)
    assert resolved.incidents.count() == 2
    assert {i.status for i in resolved.incidents.all()} == {IncidentStatus.RESOLVED}
    assert {i.resolution_code for i in resolved.incidents.all()} == {
        ResolutionCode.SOLVED_BY_PROBLEM
    }
    major = Problem.objects.get(title=MAJOR_PROBLEM)
    assert major.origin == Origin.MAJOR_INCIDENT
    assert major.incidents.count() == 4  # the major incident and its three children
    # The portal's check finds the e-mail known error for a demo incident title.
    found = known_error_search(user=emma, text="Outlook keeps asking for my password")
    assert found.first().service.name == "E-mail"
