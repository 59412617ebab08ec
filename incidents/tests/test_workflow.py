"""Table-driven: every (state, transition) pair either succeeds with one history row or
is refused with ``invalid_state`` and changes nothing."""

import pytest

from incidents import services
from incidents.choices import Status
from incidents.models import Incident
from incidents.tests.factories import incident_in, network_team, transition_params
from incidents.workflow import WORKFLOW
from itsm.models import Category
from itsm.testing.workflow import assert_workflow_table_complete, transition_cases
from itsm.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(people):
    """A category that routes new incidents to Network Operations (so every state has a group)."""
    return Category.objects.create(kind="incident", name="Network", default_group=network_team())


def _actor(name, people):
    return {
        "confirm": people["emma"],
        "reject": people["emma"],
        "close": people["sam"],
        "cancel": people["sam"],
    }.get(name, people["ravi"])


def _prepare(incident, name, people):
    """Satisfy the guards that are not about the source state."""
    if name == "close" and incident.status == Status.RESOLVED:
        services.incident_transition(incident_id=incident.pk, name="confirm", actor=people["emma"])
    return Incident.objects.get(pk=incident.pk)


@pytest.mark.parametrize(("state", "name", "allowed"), transition_cases(WORKFLOW))
def test_transition_table(state, name, allowed, people, routed):
    incident = incident_in(
        state,
        reporter=people["emma"],
        agent=people["ravi"],
        desk=people["sam"],
        major=name == "stand_down_major",
        category=routed,
    )
    incident = _prepare(incident, name, people)
    transition = WORKFLOW[name]
    rows_before = incident.history.count()
    params = transition_params(name)
    if allowed:
        after = services.incident_transition(
            incident_id=incident.pk, name=name, actor=_actor(name, people), **params
        )
        assert after.status == (transition.target or state)
        assert incident.history.count() == rows_before + 1
        latest = incident.history.first()
        assert latest.history_change_reason.split(":")[0] == name
        assert latest.history_user == _actor(name, people)
        assert after.version == incident.version + 1
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            services.incident_transition(
                incident_id=incident.pk, name=name, actor=_actor(name, people), **params
            )
        assert refused.value.code == "invalid_state"
        assert refused.value.status == 409
        assert incident.history.count() == rows_before
        assert Incident.objects.get(pk=incident.pk).version == incident.version


def test_the_table_has_no_dead_ends_or_unreachable_states():
    assert_workflow_table_complete(WORKFLOW, initial=Status.NEW)
