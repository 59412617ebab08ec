"""Change services: templates and their versions, risk override, closing, caused incidents."""

import pytest
from django.core.exceptions import ValidationError

from changes import services
from changes.choices import VersionStatus
from changes.tests.factories import (
    PLANS,
    approved_version,
    make_change,
    make_implemented_change,
    make_item,
    setup,
)
from incidents.services import incident_create
from itsm.errors import Refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return setup()


def test_an_edited_template_cannot_be_used_until_approved_and_old_changes_keep_their_version(users):
    chris, alex = users["chris"], users["alex"]
    web = make_item("web-t1")
    first = approved_version(author=chris, approver=alex, items=[web], name="Reboot")
    old = services.change_create_from_template(actor=chris, version_id=first.pk)

    second = services.template_version_create(
        actor=chris,
        template_id=first.template_id,
        configuration_items=[web],
        risk="medium",
        **PLANS,
    )
    assert second.status == VersionStatus.AWAITING_APPROVAL
    with pytest.raises(Refused) as refused:
        services.change_create_from_template(actor=chris, version_id=second.pk)
    assert refused.value.code == "change_template_not_approved"
    assert first.template.current_version() == first

    services.template_version_decide(version_id=second.pk, actor=alex, decision="approved")

    assert first.template.current_version().pk == second.pk
    new = services.change_create_from_template(actor=chris, version_id=second.pk)
    old.refresh_from_db()
    assert (old.template_version_id, new.template_version_id) == (first.pk, second.pk)
    assert new.risk == "medium" and "pre-approved" in new.risk_override_reason


def test_the_author_of_a_version_may_not_approve_it(users):
    alex = users["alex"]
    template = services.template_create(actor=alex, name="Own work")
    version = services.template_version_create(actor=alex, template_id=template.pk, **PLANS)
    with pytest.raises(Refused) as refused:
        services.template_version_decide(version_id=version.pk, actor=alex, decision="approved")
    assert "wrote this version" in refused.value.message


def test_a_template_is_used_only_on_its_items(users):
    chris = users["chris"]
    version = approved_version(
        author=chris, approver=users["alex"], items=[make_item("web-t3")], name="Scoped"
    )
    with pytest.raises(Refused) as refused:
        services.change_create_from_template(
            actor=chris, version_id=version.pk, configuration_items=[make_item("db-t3")]
        )
    assert refused.value.code == "change_template_outside_scope"


def test_standard_changes_come_only_from_templates(users):
    with pytest.raises(ValidationError):
        services.change_create(actor=users["chris"], title="Sneaky", change_type="standard")


def test_the_risk_is_stored_with_its_answers_score_and_rule(users):
    change = make_change(
        requested_by=users["chris"],
        configuration_items=[make_item("db-t5", criticality="critical")],
        outage_expected=True,
    )
    assert change.risk == "high"
    assert change.risk_answers["ci_criticality"] == "critical"
    assert change.risk_answers["outage_needed"] is True
    assert "critical" in change.risk_rule


def test_a_risk_override_needs_a_reason_and_is_audited(users):
    change = make_change(requested_by=users["sam"])
    chris = users["chris"]
    with pytest.raises(Refused) as refused:
        services.change_override_risk(change_id=change.pk, actor=chris, risk="high", reason="")
    assert refused.value.code == "risk_override_reason_required"
    with pytest.raises(Refused):
        services.change_override_risk(
            change_id=change.pk, actor=users["sam"], risk="high", reason="I think so"
        )

    written = services.change_override_risk(
        change_id=change.pk, actor=chris, risk="high", reason="Quarter-end traffic."
    )

    assert (written.risk, written.computed_risk) == ("high", "low")
    last = written.history.order_by("-history_id").first()
    assert "Quarter-end traffic." in last.history_change_reason
    assert last.history_user == chris


def test_a_failed_change_needs_review_notes_to_close(users):
    from changes.tests.factories import make_standard_change

    chris = users["chris"]
    change = make_standard_change(requested_by=chris)
    for name in ("schedule_standard", "start", "complete"):
        services.change_transition(change_id=change.pk, name=name, actor=chris)
    with pytest.raises(Refused) as refused:
        services.change_transition(
            change_id=change.pk, name="close", actor=chris, closure_code="failed"
        )
    assert refused.value.code == "change_review_notes_required"
    closed = services.change_transition(
        change_id=change.pk,
        name="close",
        actor=chris,
        closure_code="failed",
        review_notes="Backout ran; vendor bug.",
    )
    assert closed.status == "closed"


def test_closing_a_change_that_fixes_a_problem_resolves_it(users):
    from changes.tests.factories import make_standard_change
    from problems.tests.factories import problem_in

    problem = problem_in("fix_in_progress")
    chris = users["chris"]
    change = make_standard_change(requested_by=chris, problem=problem)
    for name in ("schedule_standard", "start", "complete"):
        services.change_transition(change_id=change.pk, name=name, actor=chris)
    services.change_transition(
        change_id=change.pk, name="close", actor=chris, closure_code="successful"
    )
    problem.refresh_from_db()
    assert problem.status == "resolved"
    assert change.number in problem.fix_description


def test_an_incident_is_marked_as_caused_by_a_change(users):
    change = make_implemented_change(requested_by=users["chris"])
    incident = incident_create(actor=users["emma"], title="Shop is down", description="Since 9.")

    written = services.incident_set_caused_by(
        incident_id=incident.pk, change_id=change.pk, actor=users["sam"]
    )

    assert written.caused_by_change == change
    assert list(change.caused_incidents.all()) == [written]
    assert change.number in written.history.order_by("-history_id").first().history_change_reason


def test_the_incident_console_marks_an_incident_as_caused_by_a_change(users):
    from django.test import Client

    from incidents.tests.factories import make_incident

    change = make_implemented_change(requested_by=users["chris"])
    incident = make_incident(reporter=users["emma"], title="Web tier slow")
    client = Client()
    client.force_login(users["sam"])
    base = f"/admin/incidents/incident/{incident.pk}/"
    page = client.get(f"{base}change/").content.decode()
    assert "Mark as caused by a change" in page

    assert (
        client.post(f"{base}transition/caused_by_change/", {"change": "CHG9999999"}).status_code
        == 400
    )
    incident.refresh_from_db()
    assert incident.caused_by_change is None

    response = client.post(f"{base}transition/caused_by_change/", {"change": change.number.lower()})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.caused_by_change == change
    assert change.number in client.get(f"{base}change/").content.decode()
    assert incident.history.latest().history_change_reason == f"caused by {change.number}"

    client.post(f"{base}transition/caused_by_change/", {"change": ""})
    incident.refresh_from_db()
    assert incident.caused_by_change is None


def test_only_a_started_change_can_be_marked_as_the_cause(users):
    draft = make_change(requested_by=users["chris"])
    incident = incident_create(actor=users["emma"], title="Shop is down", description="Since 9.")

    with pytest.raises(Refused) as refused:
        services.incident_set_caused_by(
            incident_id=incident.pk, change_id=draft.pk, actor=users["sam"]
        )
    assert (refused.value.code, refused.value.field) == ("change_not_implemented", "change")
    assert draft.number in refused.value.message
    with pytest.raises(Refused) as refused:
        services.incident_set_caused_by(
            incident_id=incident.pk, change_id=10**9, actor=users["sam"]
        )
    assert refused.value.code == "change_not_found"
    incident.refresh_from_db()
    assert incident.caused_by_change is None
    assert incident.history.count() == 1
