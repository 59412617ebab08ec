"""SECURITY.md T20: random transitions by random actors keep the incident invariants."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from incidents import services
from incidents.choices import Status
from incidents.models import Incident
from incidents.tests.factories import make_incident, transition_params
from incidents.workflow import WORKFLOW
from itsm.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db

ACTORS = ["emma", "eli", "sam", "ravi"]


def run_machine(people):
    class IncidentMachine(RuleBasedStateMachine):
        @initialize()
        def log(self):
            self.incident = make_incident(reporter=people["emma"])
            self.rows = 1
            self.last_history_date = self.incident.history.get().history_date

        @rule(name=st.sampled_from(WORKFLOW.names()), who=st.sampled_from(ACTORS))
        def attempt(self, name, who):
            before = Incident.objects.get(pk=self.incident.pk)
            transition = WORKFLOW[name]
            try:
                after = services.incident_transition(
                    incident_id=before.pk, name=name, actor=people[who], **transition_params(name)
                )
            except TransitionNotAllowed:
                assert Incident.objects.get(pk=before.pk).version == before.version
                return
            assert before.status in transition.sources
            assert before.status not in WORKFLOW.terminal
            assert after.status == (transition.target or before.status)
            self.rows += 1

        @invariant()
        def one_history_row_per_change(self):
            history = list(self.incident.history.order_by("history_id"))
            assert len(history) == self.rows
            dates = [row.history_date for row in history]
            assert dates == sorted(dates)

        @invariant()
        def sla_fields_consistent(self):
            incident = Incident.objects.get(pk=self.incident.pk)
            if incident.status in WORKFLOW.terminal or incident.status == Status.RESOLVED:
                assert incident.sla_next_check_at is None
            if incident.status == Status.ON_HOLD:
                assert incident.hold_reason
                assert incident.sla_pauses.filter(ended_at__isnull=True).count() == 1
            else:
                assert not incident.sla_pauses.filter(ended_at__isnull=True).exists()
            if incident.status == Status.RESOLVED:
                assert incident.resolved_at and incident.resolution_code

    IncidentMachine.TestCase.settings = settings(
        max_examples=15,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    IncidentMachine.TestCase().runTest()


def test_random_walks_keep_invariants(people):
    run_machine(people)
