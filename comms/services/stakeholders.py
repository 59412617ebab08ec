"""The stakeholder list of a major incident: people and teams chosen by staff, and the
status-page subscribers of the components it affects, added automatically."""

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from comms.models import Stakeholder
from incidents.models import Incident
from itsm.audit import record_change, system_user
from itsm.errors import Refused
from itsm.roles import is_agent
from statuspage.models import Component, StatusIncident, Subscriber


def may_communicate(user) -> bool:
    """IT staff who work incidents send updates and keep the stakeholder list."""
    return is_agent(user)


def _lock_major(incident_id, actor) -> Incident:
    if not may_communicate(actor):
        raise Refused("not_permitted")
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    if not incident.is_major:
        raise Refused("not_major")
    return incident


def _add(incident, actor, reason: str, **target) -> Stakeholder:
    stakeholder = Stakeholder(incident=incident, added_by=actor, added_at=timezone.now(), **target)
    record_change(stakeholder, actor, reason)
    stakeholder.save()
    return stakeholder


def _remove(stakeholder, actor) -> None:
    record_change(stakeholder, actor, "stakeholder removed")
    stakeholder.delete()


def stakeholders_add(*, incident_id, actor, people=(), teams=()) -> int:
    """Add people and teams not on the list yet; return how many were added."""
    with transaction.atomic():
        incident = _lock_major(incident_id, actor)
        listed = incident.stakeholders.all()
        known_people = {s.person_id for s in listed if s.person_id}
        known_teams = {s.team_id for s in listed if s.team_id}
        added = 0
        for person in people:
            if person.pk not in known_people:
                _add(incident, actor, "stakeholder added", person=person)
                known_people.add(person.pk)
                added += 1
        for team in teams:
            if team.pk not in known_teams:
                _add(incident, actor, "stakeholder added", team=team)
                known_teams.add(team.pk)
                added += 1
    return added


def stakeholders_set(*, incident_id, actor, people, teams) -> None:
    """Make the chosen people and teams exactly ``people`` and ``teams`` (subscribers stay)."""
    with transaction.atomic():
        incident = _lock_major(incident_id, actor)
        wanted_people = {p.pk for p in people}
        wanted_teams = {t.pk for t in teams}
        for stakeholder in incident.stakeholders.filter(subscriber__isnull=True):
            keep = (
                stakeholder.person_id in wanted_people
                if stakeholder.person_id
                else stakeholder.team_id in wanted_teams
            )
            if not keep:
                _remove(stakeholder, actor)
    stakeholders_add(incident_id=incident_id, actor=actor, people=people, teams=teams)


def affected_components(incident) -> list[int]:
    """The components of the incident's service and of its status incidents."""
    of_status = StatusIncident.objects.filter(incident=incident).values("components")
    ids = set(Component.objects.filter(service_id=incident.service_id).values_list("pk", flat=True))
    ids |= set(Component.objects.filter(pk__in=of_status).values_list("pk", flat=True))
    return sorted(ids)


def stakeholders_sync_subscribers(*, incident_id) -> int:
    """Add the confirmed subscribers of the affected components not listed yet (one per
    address); return how many. Run by Celery as the system user."""
    actor = system_user()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident_id)
        if not incident.is_major:
            return 0
        first_per_address = (
            Subscriber.objects.filter(
                component__in=affected_components(incident),
                confirmed_at__isnull=False,
                unsubscribed_at__isnull=True,
            )
            .values("email")
            .annotate(first=Min("pk"))
            .values_list("first", flat=True)
        )
        listed = set(
            incident.stakeholders.filter(subscriber__isnull=False).values_list(
                "subscriber__email", flat=True
            )
        )
        added = 0
        for subscriber in Subscriber.objects.filter(pk__in=list(first_per_address)).order_by("pk"):
            if subscriber.email in listed:
                continue
            stakeholder = Stakeholder(
                incident=incident,
                subscriber=subscriber,
                automatic=True,
                added_by=actor,
                added_at=timezone.now(),
            )
            record_change(stakeholder, actor, "status-page subscriber of an affected component")
            stakeholder.save()
            listed.add(subscriber.email)
            added += 1
    return added
