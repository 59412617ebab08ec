"""Table-driven: every (state, transition) pair either succeeds with one history row or
is refused with ``invalid_state`` and changes nothing (``itsm.testing.workflow``)."""

import pytest

from changes.choices import Status
from changes.models import Change
from changes.tests.kit import KIT
from changes.workflow import WORKFLOW
from itsm.registry import record_type_for
from itsm.testing.workflow import (
    assert_workflow_table_complete,
    check_transition_case,
    transition_cases,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("state", "name", "allowed"), transition_cases(WORKFLOW))
def test_transition_table(state, name, allowed):
    check_transition_case(record_type_for(Change), KIT, state, name, allowed)


def test_the_table_has_no_dead_ends_or_unreachable_states():
    assert_workflow_table_complete(WORKFLOW, initial=Status.DRAFT)
