"""Who hears what about a problem: the assignee (or the group), watchers, after commit."""

import pytest

from itsm.models import Team
from itsm.workflow import TransitionNotAllowed
from problems import services
from problems.tests.factories import KNOWN_ERROR_INPUT, make_problem

pytestmark = pytest.mark.django_db


def test_the_group_hears_of_a_new_problem_and_the_assignee_of_a_known_error(
    pat, ravi, eli, mailoutbox, django_capture_on_commit_callbacks
):
    team = Team.objects.get(name="Network Operations")
    with django_capture_on_commit_callbacks(execute=True):
        problem = make_problem(reported_by=pat, assignment_group=team, title="<b>VPN</b> drops")
    assert [m.to for m in mailoutbox] == [sorted(u.email for u in team.members.all())]
    assert "<b>VPN</b>" not in mailoutbox[0].alternatives[0][0]
    services.problem_update(problem_id=problem.pk, actor=pat, changes={"assignee": ravi})
    services.problem_watch(problem_id=problem.pk, actor=eli)
    for name in ("assess", "start_analysis"):
        services.problem_transition(problem_id=problem.pk, name=name, actor=pat)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.problem_transition(
            problem_id=problem.pk, name="record_known_error", actor=pat, **KNOWN_ERROR_INPUT
        )
    assert [sorted(m.to) for m in mailoutbox] == [sorted([ravi.email, eli.email])]
    assert KNOWN_ERROR_INPUT["workaround"] in mailoutbox[0].body


def test_nothing_is_sent_when_the_transition_is_refused(
    pat, mailoutbox, django_capture_on_commit_callbacks
):
    problem = make_problem(reported_by=pat)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionNotAllowed):
        services.problem_transition(problem_id=problem.pk, name="resolve", actor=pat)
    assert mailoutbox == []
