"""Comments, work notes, attachments and watchers."""

from django.core.exceptions import ValidationError
from django.db import transaction

from incidents import notifications, sla
from incidents.choices import (
    Status,
)
from incidents.models import Incident, IncidentAttachment, IncidentComment
from incidents.services.records import lock_incident
from itsm.attachments import check_storage_quota, validate_upload
from itsm.audit import record_change
from itsm.roles import is_agent
from itsm.workflow import TransitionNotAllowed


def _check_can_contribute(incident) -> None:
    if incident.status in (Status.CLOSED, Status.CANCELLED):
        raise TransitionNotAllowed(
            "incident_closed", f"{incident.number} is {incident.get_status_display().lower()}."
        )


def incident_comment_add(
    *, incident_id, actor, body: str, visibility: str = IncidentComment.Visibility.PUBLIC
) -> IncidentComment:
    """Add a public comment or (staff only) an internal work note.

    The first public comment from staff meets the response target.
    """
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment first."})
    if visibility not in IncidentComment.Visibility.values:
        raise ValidationError({"visibility": "Choose public or internal."})
    staff = is_agent(actor)
    if visibility == IncidentComment.Visibility.INTERNAL and not staff:
        raise TransitionNotAllowed(
            "internal_notes_staff_only", "Only IT staff can write work notes.", status=403
        )
    with transaction.atomic():
        incident = lock_incident(incident_id, None)
        _check_can_contribute(incident)
        comment = IncidentComment(incident=incident, author=actor, body=body, visibility=visibility)
        comment.full_clean()
        record_change(comment, actor, "comment")
        comment.save()
        if staff and comment.is_public and incident.responded_at is None:
            incident.responded_at = comment.created_at
            fields = ["responded_at", *sla.refresh(incident)]
            record_change(incident, actor, "responded: first public comment")
            incident.save(update_fields=fields)
        if comment.is_public:
            notifications.on_commit(incident, "commented", comment_id=comment.pk)
    return comment


def incident_attachment_add(*, incident_id, actor, upload) -> IncidentAttachment:
    """Attach a file after checking its size and type; the stored name is random."""
    name = validate_upload(upload)
    with transaction.atomic():
        incident = lock_incident(incident_id, None)
        _check_can_contribute(incident)
        check_storage_quota(
            record_attachments=incident.attachments.all(), user=actor, size=upload.size
        )
        attachment = IncidentAttachment(
            incident=incident,
            file=upload,
            original_name=name,
            size=upload.size,
            uploaded_by=actor,
        )
        record_change(attachment, actor, "attach")
        attachment.save()
    return attachment


def incident_watch(*, incident_id, actor, watching: bool = True) -> Incident:
    """Follow or unfollow an incident (the actor must already be able to see it)."""
    with transaction.atomic():
        incident = lock_incident(incident_id, None)
        if watching:
            incident.watchers.add(actor)
        else:
            incident.watchers.remove(actor)
    return incident
