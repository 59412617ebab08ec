"""Reads of stakeholder communication, scoped to who asks (IT staff; others get a 404)."""

from django.http import Http404

from comms.models import MissedCadence, Stakeholder, StakeholderUpdate
from comms.services.stakeholders import may_communicate
from incidents.models import Incident
from incidents.selectors import incident_get_for_user


def incident_for_staff(*, user, pk) -> Incident:
    """The incident, for IT staff who may see it; a 404 for everyone else."""
    if not may_communicate(user):
        raise Http404
    return incident_get_for_user(user=user, pk=pk, joined=("commander", "communications_lead"))


def stakeholders_of(incident) -> list[Stakeholder]:
    return list(
        Stakeholder.objects.filter(incident=incident)
        .select_related("person", "team", "subscriber")
        .order_by("added_at", "pk")
    )


def missed_cadence_count(incident) -> int:
    return MissedCadence.objects.filter(incident=incident).count()


def last_update(incident) -> StakeholderUpdate | None:
    return StakeholderUpdate.objects.filter(incident=incident).order_by("-sent_at", "-pk").first()
