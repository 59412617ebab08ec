"""Table-driven: every (state, transition) pair either succeeds with one history row or
is refused with ``invalid_state`` and changes nothing (``itsm.testing.workflow``)."""

import pytest

from itsm.registry import record_type_for
from itsm.testing.workflow import (
    assert_workflow_table_complete,
    check_transition_case,
    transition_cases,
)
from requests_app.choices import Status
from requests_app.models import ServiceRequest
from requests_app.tests.kit import KIT
from requests_app.workflow import WORKFLOW

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("state", "name", "allowed"), transition_cases(WORKFLOW))
def test_transition_table(state, name, allowed):
    check_transition_case(record_type_for(ServiceRequest), KIT, state, name, allowed)


def test_the_table_has_no_dead_ends_or_unreachable_states():
    assert_workflow_table_complete(WORKFLOW, initial=Status.SUBMITTED)
