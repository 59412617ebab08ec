"""Demo postmortems, made through the services.

A past major incident on the VPN (resolved a week ago) with its published postmortem
and action items (a problem, a change-free task past due, a task done), signed off by
the VPN's owner group; and a draft for the demo's open major incident. Each is found
again by its incident, so loading twice creates nothing new.
"""

from datetime import date, timedelta

from django.utils import timezone

from incidents import services as incidents
from incidents.models import Incident
from itsm.models import Category, Service, Team
from postmortems import services
from postmortems.approval import ensure_service_policy
from postmortems.models import Postmortem
from problems.models import Problem

PAST = "VPN unavailable for all remote staff"
OPEN_MAJOR = "Office network down in the head office"

PUBLISHED = {
    "summary": "Remote staff could not connect to the VPN for 95 minutes after the VPN "
    "gateway's certificate expired.",
    "users_affected": 340,
    "impact_description": "Everyone working from home lost access to internal systems.",
    "root_cause": "The gateway certificate was renewed by hand and its expiry was not "
    "monitored; the renewal reminder went to a former employee.",
    "contributing_factors": "No expiry alert; the runbook named a person, not a team.",
    "detection": "customer",
    "detection_notes": "The first call reached the service desk 12 minutes in.",
    "went_well": "The service desk spotted the pattern in four calls and declared a major "
    "incident quickly.",
    "went_badly": "Nobody on shift had the rights to install a certificate.",
    "got_lucky": "It happened on a quiet Friday afternoon.",
}


def load(users) -> None:
    for service in Service.objects.select_related("owner_group"):
        ensure_service_policy(service)
    _published(users)
    _draft(users)


def _past_incident(users) -> Incident | None:
    incident = Incident.objects.filter(title=PAST).first()
    if incident is not None:
        return incident
    sam, ravi = users["sam"], users["ravi"]
    network = Category.objects.get(kind="incident", name="Network", parent=None)
    started = timezone.now() - timedelta(days=7, hours=2)
    incident = incidents.incident_create(
        actor=sam,
        affected_user=users["emma"],
        channel="phone",
        title=PAST,
        description="Every remote user gets a certificate error from the VPN client.",
        category=network,
        service=Service.objects.get(name="VPN"),
        impact="high",
        urgency="high",
        detected_at=started,
        reported_at=started + timedelta(minutes=12),
    )
    incidents.incident_transition(
        incident_id=incident.pk,
        name="assign",
        actor=sam,
        group=Team.objects.get(name="Network Operations"),
        assignee=ravi,
    )
    incidents.incident_transition(incident_id=incident.pk, name="start", actor=ravi)
    incidents.incident_transition(
        incident_id=incident.pk,
        name="declare_major",
        actor=sam,
        commander=sam,
        communications_lead=sam,
    )
    incidents.incident_comment_add(
        incident_id=incident.pk,
        actor=ravi,
        body="The gateway certificate expired at 14:00; installing the renewed one.",
        visibility="internal",
    )
    incidents.incident_transition(
        incident_id=incident.pk,
        name="resolve",
        actor=ravi,
        resolution_code="solved_permanently",
        resolution_notes="Renewed certificate installed; clients reconnect.",
    )
    return incident


def _published(users) -> None:
    incident = _past_incident(users)
    if incident is None or Postmortem.objects.filter(incident=incident).exists():
        return
    sam, ravi = users["sam"], users["ravi"]
    postmortem = services.postmortem_create(incident_id=incident.pk, actor=sam)
    services.postmortem_update(postmortem_id=postmortem.pk, actor=sam, changes=dict(PUBLISHED))
    today = timezone.localdate()
    problem = Problem.objects.filter(service__name="VPN").first()
    if problem is not None:
        services.action_item_add(
            postmortem_id=postmortem.pk,
            actor=sam,
            title="Find why VPN clients do not warn before the certificate expires",
            problem=problem,
        )
    services.action_item_add(
        postmortem_id=postmortem.pk,
        actor=sam,
        title="Alert 30 days before any gateway certificate expires",
        owner=ravi,
        due_date=today - timedelta(days=1),
    )
    done = services.action_item_add(
        postmortem_id=postmortem.pk,
        actor=sam,
        title="Point the renewal runbook at the Network Operations team",
        owner=ravi,
        due_date=today + timedelta(days=14),
    )
    services.postmortem_transition(postmortem_id=postmortem.pk, name="submit", actor=sam)
    services.postmortem_transition(postmortem_id=postmortem.pk, name="approve", actor=ravi)
    services.action_item_progress(item_id=done.pk, actor=ravi, status="done")


def _draft(users) -> None:
    incident = Incident.objects.filter(title=OPEN_MAJOR, is_major=True).first()
    if incident is None or Postmortem.objects.filter(incident=incident).exists():
        return
    postmortem = services.postmortem_create(incident_id=incident.pk, actor=users["ravi"])
    services.action_item_add(
        postmortem_id=postmortem.pk,
        actor=users["ravi"],
        title="Add a second uplink to the head-office core switch",
        owner=users["nina"],
        due_date=date.today() + timedelta(days=30),
    )
