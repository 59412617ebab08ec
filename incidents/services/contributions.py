"""Comments, work notes, attachments and watchers on incidents (``itsm.contributions``)."""

from incidents import sla
from incidents.models import Incident, IncidentAttachment, IncidentComment
from itsm import contributions
from itsm.roles import is_agent


def _response_met(incident, comment) -> list[str]:
    """The first public comment from staff meets the response target."""
    if incident.responded_at is not None:
        return []
    incident.responded_at = comment.created_at
    return ["responded_at", *sla.refresh(incident)]


def incident_comment_add(
    *, incident_id, actor, body: str, visibility: str = IncidentComment.Visibility.PUBLIC
) -> IncidentComment:
    """Add a public comment or (staff only) an internal work note."""
    return contributions.comment_add(
        Incident,
        record_id=incident_id,
        actor=actor,
        body=body,
        visibility=visibility,
        staff=is_agent(actor),
        on_staff_reply=_response_met,
        related=("sla_policy__calendar",),
    )


def incident_attachment_add(*, incident_id, actor, upload) -> IncidentAttachment:
    return contributions.attachment_add(Incident, record_id=incident_id, actor=actor, upload=upload)


def incident_watch(*, incident_id, actor, watching: bool = True) -> Incident:
    return contributions.watch(Incident, record_id=incident_id, actor=actor, watching=watching)
