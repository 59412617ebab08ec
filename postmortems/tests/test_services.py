"""Opening a postmortem, its timeline assembly, due dates and reminders."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from incidents import services as incidents
from incidents.choices import Status as IncidentStatus
from itsm.errors import Refused
from itsm.testing.clock import install_clock
from postmortems import services
from postmortems.due import due_after
from postmortems.selectors import is_postmortem_due, postmortem_due_incidents
from postmortems.tasks import postmortem_action_item_reminders, postmortem_overdue_reminders
from postmortems.tests.factories import major_incident, make_postmortem, vpn_service

pytestmark = pytest.mark.django_db


def test_a_postmortem_starts_from_the_incident(people):
    incident = major_incident(people)
    assert incident.priority == 1 and incident.is_major
    assert is_postmortem_due(incident)
    assert list(postmortem_due_incidents()) == [incident]

    postmortem = make_postmortem(people, incident=incident)

    assert postmortem.owner == people["ravi"]  # the commander
    assert list(postmortem.services_affected.all()) == [vpn_service()]
    assert postmortem.impact_ended_at == incident.resolved_at
    assert postmortem.due_at == due_after(incident.resolved_at)
    assert not is_postmortem_due(incident)
    assert postmortem.history.count() >= 2


def test_only_major_incidents_get_one_and_only_one(people):
    from incidents.tests.factories import make_incident

    plain = make_incident(reporter=people["emma"])
    with pytest.raises(Refused) as refused:
        services.postmortem_create(incident_id=plain.pk, actor=people["sam"])
    assert refused.value.code == "postmortem_not_major"
    postmortem = make_postmortem(people)
    with pytest.raises(Refused) as refused:
        services.postmortem_create(incident_id=postmortem.incident_id, actor=people["sam"])
    assert refused.value.code == "postmortem_exists"


def test_employees_may_not_open_one(people):
    incident = major_incident(people)
    with pytest.raises(Refused) as refused:
        services.postmortem_create(incident_id=incident.pk, actor=people["emma"])
    assert refused.value.code == "not_permitted"


def test_the_timeline_holds_history_comments_and_sla_events_in_order(people):
    incident = major_incident(people, status=IncidentStatus.IN_PROGRESS)
    incidents.incident_comment_add(
        incident_id=incident.pk,
        actor=people["ravi"],
        body="Gateway cert expired",
        visibility="internal",
    )
    incident.sla_events.create(
        clock="resolution", kind="breach", occurred_at=incident.reported_at + timedelta(minutes=1)
    )
    postmortem = make_postmortem(people, incident=incident)

    entries = list(postmortem.timeline.order_by("at", "id"))
    kinds = [e.kind for e in entries]
    assert {"history", "comment", "sla"} <= set(kinds)
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert entries[0].text.startswith("Reported")
    assert any("Work note (" in e.text and "Gateway cert expired" in e.text for e in entries)
    assert any(e.text == "SLA resolution: Target breached" for e in entries)
    assert all(e.source for e in entries)


def test_rebuilding_adds_only_new_entries_and_keeps_edits(people):
    incident = major_incident(people, status=IncidentStatus.IN_PROGRESS)
    postmortem = make_postmortem(people, incident=incident)
    first = postmortem.timeline.order_by("at", "id").first()
    services.timeline_entry_update(entry_id=first.pk, actor=people["ravi"], text="Alert fired")
    before = postmortem.timeline.count()

    assert (
        services.postmortem_refresh_timeline(postmortem_id=postmortem.pk, actor=people["ravi"]) == 0
    )
    incidents.incident_comment_add(incident_id=incident.pk, actor=people["ravi"], body="Fixed")
    assert (
        services.postmortem_refresh_timeline(postmortem_id=postmortem.pk, actor=people["ravi"]) == 1
    )

    first.refresh_from_db()
    assert (first.text, first.edited) == ("Alert fired", True)
    assert postmortem.timeline.count() == before + 1


def test_hand_written_entries(people):
    postmortem = make_postmortem(people)
    entry = services.timeline_entry_add(
        postmortem_id=postmortem.pk,
        actor=people["ravi"],
        at=postmortem.incident.reported_at,
        text="Customer tweet",
    )
    assert (entry.kind, entry.source) == ("note", "")
    with pytest.raises(ValidationError):
        services.timeline_entry_add(
            postmortem_id=postmortem.pk, actor=people["ravi"], at=entry.at, text=" "
        )


def test_an_action_item_links_a_problem_or_a_change_not_both(people):
    from problems.tests.factories import make_problem

    postmortem = make_postmortem(people)
    problem = make_problem(reported_by=people["pat"])
    item = services.action_item_add(
        postmortem_id=postmortem.pk, actor=people["ravi"], title="Find the cause", problem=problem
    )
    assert item.kind == "problem"
    task = services.action_item_add(
        postmortem_id=postmortem.pk,
        actor=people["ravi"],
        title="Runbook",
        owner=people["nina"],
        due_date=date(2030, 1, 1),
    )
    assert task.kind == "task"


def test_due_is_five_business_days_after_resolution(settings):
    settings.TIME_ZONE = "UTC"
    friday = datetime(2026, 1, 2, 15, 0, tzinfo=UTC)
    assert due_after(friday) == datetime(2026, 1, 9, 15, 0, tzinfo=UTC)
    settings.POSTMORTEM_DUE_BUSINESS_DAYS = 1
    assert due_after(friday) == datetime(2026, 1, 5, 15, 0, tzinfo=UTC)


def test_overdue_reminders_go_once_a_day_until_published(
    people, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    clock = install_clock(monkeypatch)
    postmortem = make_postmortem(people)
    with django_capture_on_commit_callbacks(execute=True):
        assert postmortem_overdue_reminders.apply().get() == 0

    clock.advance(days=8)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert postmortem_overdue_reminders.apply().get() == 1
        postmortem_overdue_reminders.apply().get()
    assert [m.to for m in mail.outbox] == [[people["ravi"].email]]
    assert "overdue" in mail.outbox[0].subject

    from postmortems.tests.factories import publish

    publish(people, postmortem)
    clock.advance(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert postmortem_overdue_reminders.apply().get() == 0


def test_past_due_action_items_remind_their_owner_daily(
    people, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    clock = install_clock(monkeypatch)
    postmortem = make_postmortem(people)
    from django.utils import timezone

    item = services.action_item_add(
        postmortem_id=postmortem.pk,
        actor=people["ravi"],
        title="Alert on expiry",
        owner=people["nina"],
        due_date=timezone.localdate() + timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert postmortem_action_item_reminders.apply().get() == 0
    clock.advance(days=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert postmortem_action_item_reminders.apply().get() == 1
        postmortem_action_item_reminders.apply().get()
    assert [m.to for m in mail.outbox] == [[people["nina"].email]]
    services.action_item_progress(item_id=item.pk, actor=people["nina"], status="done")
    clock.advance(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert postmortem_action_item_reminders.apply().get() == 0
