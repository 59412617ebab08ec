"""The admin's SLA column and filters say what the clocks say, exactly at the due time too.

``clock`` starts on Monday 2026-03-02 09:00 UTC; a P1's resolution is due at 13:00.
"""

from datetime import UTC, datetime, timedelta

import pytest

from incidents import services
from incidents.sla import INCIDENT_SLA
from incidents.tests.factories import make_incident, network_team
from incidents.tests.helpers_admin import CHANGELIST, change_url
from itsm.admin.sla import sla_summary

pytestmark = pytest.mark.django_db
DUE = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def rows(response) -> set[str]:
    assert response.status_code == 200
    return {incident.number for incident in response.context["cl"].result_list}


def p1(reporter):
    return make_incident(reporter=reporter, impact="high", urgency="high")


def test_exactly_at_the_due_time_a_running_clock_is_not_breached_yet(staff, sam, emma, clock):
    incident = p1(emma)
    client = staff(sam)

    clock.now = DUE
    assert rows(client.get(CHANGELIST + "?sla=breached")) == set()
    assert rows(client.get(CHANGELIST + "?sla=soon")) == {incident.number}
    assert sla_summary(INCIDENT_SLA, incident, DUE) == ("soon", "<1m left")
    assert INCIDENT_SLA.explain(incident, now=DUE)["resolution"]["breached"] is False

    clock.now = DUE + SECOND
    assert rows(client.get(CHANGELIST + "?sla=breached")) == {incident.number}
    assert rows(client.get(CHANGELIST + "?sla=soon")) == set()
    assert sla_summary(INCIDENT_SLA, incident, DUE + SECOND) == ("breached", "breached <1m ago")


@pytest.mark.parametrize(
    ("resolved_at", "summary", "breached"),
    [(DUE, ("ok", "met"), False), (DUE + timedelta(minutes=1), ("breached", "missed by 1m"), True)],
)
def test_a_clock_stopped_at_its_due_time_is_met_and_after_it_missed(
    staff, sam, ravi, emma, clock, resolved_at, summary, breached
):
    incident = p1(emma)
    services.incident_transition(
        incident_id=incident.pk, name="assign", actor=sam, group=network_team(), assignee=ravi
    )
    services.incident_transition(incident_id=incident.pk, name="start", actor=ravi)
    clock.now = resolved_at
    resolved = services.incident_transition(
        incident_id=incident.pk,
        name="resolve",
        actor=ravi,
        resolution_code="workaround",
        resolution_notes="Restarted.",
    )
    clock.now = DUE + timedelta(hours=2)

    assert sla_summary(INCIDENT_SLA, resolved, clock.now) == summary
    assert INCIDENT_SLA.explain(resolved)["resolution"]["breached"] is breached
    client = staff(sam)
    html = client.get(CHANGELIST).content.decode()
    assert f'<span class="sla-{summary[0]}">{summary[1]}</span>' in html
    page = client.get(change_url(resolved)).content.decode()
    row = page[page.index('<th scope="row">Resolution</th>') :]
    explained = row[: row.index("</tr>")]
    assert ('<span class="sla-breached">breached</span>' in explained) is breached
    assert ("met (stopped" in explained) is not breached
