"""Status incidents: what customers read about a major incident, posted by staff.

Only the words staff write here reach the public: the internal record's title, notes
and people never do.
"""

from django.db import transaction
from django.utils import timezone

from incidents.models import Incident
from itsm.audit import record_change
from itsm.errors import Refused
from itsm.roles import role_allows
from itsm.writes import lock_record, save_record
from statuspage import cache, notify
from statuspage.choices import Impact, UpdateState
from statuspage.models import Component, StatusIncident, StatusUpdate
from statuspage.services.components import components_refresh


def may_post(user) -> bool:
    return role_allows(user, "statuspage", "add")


def _check(actor, state: str, body: str) -> None:
    if not may_post(actor):
        raise Refused("not_permitted")
    if state not in UpdateState.values:
        raise Refused("invalid_input", f"Unknown update state {state!r}.", field="state")
    if not body.strip():
        raise Refused("invalid_input", "Write the update for customers.", field="body")


def _post(status_incident, *, actor, state: str, body: str) -> StatusUpdate:
    update = StatusUpdate(status_incident=status_incident, state=state, body=body, posted_by=actor)
    record_change(update, actor, f"Public update: {state}")
    update.save()
    components_refresh(
        component_ids=status_incident.components.values_list("pk", flat=True),
        actor=actor,
        reason=f"Status incident {status_incident.pk}: {state}",
    )
    cache.invalidate_on_commit()
    transaction.on_commit(lambda: notify.notify_update.delay(update.pk))
    return update


@transaction.atomic
def status_incident_open(
    *,
    incident_id: int,
    actor,
    title: str,
    body: str,
    components=None,
    impact: str = Impact.MAJOR_OUTAGE,
    state: str = UpdateState.INVESTIGATING,
) -> StatusIncident:
    """Publish a major incident with its first update; ``components`` default to the
    component of the incident's service."""
    _check(actor, state, body)
    if not title.strip():
        raise Refused("invalid_input", "Give the incident a public title.", field="title")
    if impact not in Impact.values:
        raise Refused("invalid_input", f"Unknown impact {impact!r}.", field="impact")
    incident = lock_record(Incident, incident_id)
    if not incident.is_major:
        raise Refused("invalid_input", f"{incident.number} is not a major incident.")
    if active_status_incident_for(incident.pk) is not None:
        raise Refused(
            "invalid_input", f"{incident.number} is published already: post an update to it."
        )
    if components is None:
        components = list(Component.objects.filter(service_id=incident.service_id))
    if not components:
        raise Refused(
            "invalid_input", "Choose the components customers see affected.", field="components"
        )
    status_incident = StatusIncident(
        incident=incident, title=title, impact=impact, state=state, started_at=timezone.now()
    )
    if state == UpdateState.RESOLVED:
        status_incident.resolved_at = status_incident.started_at
    record_change(status_incident, actor, "Status incident published")
    status_incident.save()
    status_incident.components.set(components)
    _post(status_incident, actor=actor, state=state, body=body)
    return status_incident


@transaction.atomic
def status_update_post(
    *,
    status_incident_id: int,
    actor,
    state: str,
    body: str,
    impact: str = "",
    expected_version=None,
) -> StatusUpdate:
    """Post the next update; ``resolved`` ends the status incident."""
    _check(actor, state, body)
    if impact and impact not in Impact.values:
        raise Refused("invalid_input", f"Unknown impact {impact!r}.", field="impact")
    status_incident = lock_record(
        StatusIncident, status_incident_id, expected_version=expected_version
    )
    if not status_incident.is_active:
        raise Refused("invalid_input", "This status incident is resolved already.")
    fields = ["state"]
    status_incident.state = state
    if impact and impact != status_incident.impact:
        status_incident.impact = impact
        fields.append("impact")
    if state == UpdateState.RESOLVED:
        status_incident.resolved_at = timezone.now()
        fields.append("resolved_at")
    save_record(status_incident, actor=actor, reason=f"Public update: {state}", fields=fields)
    return _post(status_incident, actor=actor, state=state, body=body)


def active_status_incident_for(incident_id: int) -> StatusIncident | None:
    return (
        StatusIncident.objects.filter(incident_id=incident_id, resolved_at__isnull=True)
        .order_by("-started_at")
        .first()
    )


def status_post(*, incident_id: int, actor, state: str, body: str, impact: str = "", **first):
    """Open the incident's status incident (``first``: its title and components) or post
    the next update of the open one: what the admin button and the staff page call."""
    current = active_status_incident_for(incident_id)
    if current is None:
        return status_incident_open(
            incident_id=incident_id,
            actor=actor,
            state=state,
            body=body,
            impact=impact or Impact.MAJOR_OUTAGE,
            **first,
        )
    return status_update_post(
        status_incident_id=current.pk, actor=actor, state=state, body=body, impact=impact
    )
