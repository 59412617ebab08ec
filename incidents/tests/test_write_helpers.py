"""Defects found in review of the write paths, each fixed through the shared helpers."""

from unittest import mock

import pytest
from django.core import mail

from incidents import services
from incidents.choices import Status
from incidents.models import Incident
from incidents.tests.factories import incident_in, make_incident, network_team
from itsm.errors import TransitionNotAllowed

pytestmark = pytest.mark.django_db


def test_first_public_staff_comment_bumps_version_and_updated_at(emma, ravi):
    incident = make_incident(reporter=emma)
    services.incident_transition(
        incident_id=incident.pk, name="assign", actor=ravi, group=network_team()
    )
    before = Incident.objects.get(pk=incident.pk)

    services.incident_comment_add(incident_id=incident.pk, actor=ravi, body="Looking at it.")

    after = Incident.objects.get(pk=incident.pk)
    assert after.responded_at is not None
    assert after.version == before.version + 1
    assert after.updated_at > before.updated_at
    row = after.history.latest("history_id")
    assert (row.history_user, row.history_change_reason) == (
        ravi,
        "responded: first public comment",
    )


def test_watch_history_names_actor_and_reason(emma, eli, sam):
    incident = make_incident(reporter=emma)
    version = incident.version

    services.incident_watch(incident_id=incident.pk, actor=sam)
    services.incident_watch(incident_id=incident.pk, actor=sam, watching=False)

    rows = list(incident.history.order_by("-history_id")[:2])
    assert [(r.history_user, r.history_change_reason) for r in rows] == [
        (sam, "unwatch"),
        (sam, "watch"),
    ]
    assert Incident.objects.get(pk=incident.pk).version == version


def test_history_rows_carry_the_transition_name_as_data(emma, ravi, sam):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
    services.incident_transition(
        incident_id=incident.pk, name="reject", actor=emma, reason="resolve: still broken"
    )

    names = list(
        incident.history.order_by("history_id").values_list("history_transition", flat=True)
    )
    # The reason text looks like another transition; the stored name is what counts.
    assert names == ["", "assign", "start", "resolve", "reject"]


def test_a_confirmed_resolution_cannot_be_rejected(emma, ravi, sam):
    incident = incident_in(Status.RESOLVED, reporter=emma, agent=ravi, desk=sam)
    services.incident_transition(incident_id=incident.pk, name="confirm", actor=emma)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.incident_transition(
            incident_id=incident.pk, name="reject", actor=emma, reason="changed my mind"
        )

    assert refused.value.code == "already_confirmed"
    assert Incident.objects.get(pk=incident.pk).status == Status.RESOLVED


def test_a_failing_notification_does_not_fail_the_committed_write(
    emma, django_capture_on_commit_callbacks
):
    with (
        mock.patch("itsm.tasks.send_once", side_effect=ValueError("mail server said no")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        incident = make_incident(reporter=emma)

    assert Incident.objects.filter(pk=incident.pk).exists()
    assert mail.outbox == []
