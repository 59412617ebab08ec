"""Comments, work notes, attachments and watchers on any record type.

By convention a record model has a ``comments`` relation (to a :class:`CommentBase`
subclass), an ``attachments`` relation (to an :class:`AttachmentBase` subclass), a
``watchers`` many-to-many, a ``number`` and an ``is_finished`` property (closed or
cancelled: nobody adds to it any more). Each service locks the record, so a
contribution never races a transition that finishes it.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction

from itsm.attachments import check_storage_quota, validate_upload
from itsm.audit import record_change
from itsm.errors import Refused
from itsm.notifications import notify_on_commit
from itsm.records import CommentBase
from itsm.writes import lock_record, save_record

Visibility = CommentBase.Visibility
# Called with the locked record and the new comment when staff answer in public first;
# returns the record fields it set (the SLA response, for example).
OnStaffReply = Callable[[models.Model, CommentBase], Iterable[str]]


def _related(model, name: str):
    """The model and the foreign-key name behind a record's reverse relation ``name``."""
    relation = model._meta.get_field(name)
    return relation.related_model, relation.field.name


def _check_open(record) -> None:
    if record.is_finished:
        raise Refused(
            "record_closed", number=record.number, state=record.get_status_display().lower()
        )


def comment_add(
    model: type[models.Model],
    *,
    record_id,
    actor,
    body: str,
    visibility: str = Visibility.PUBLIC,
    staff: bool,
    on_staff_reply: OnStaffReply | None = None,
    related: Iterable[str] = (),
):
    """Add a public comment or (``staff`` only) an internal work note to a record.

    When staff answer in public, ``on_staff_reply`` may set record fields; the record is
    then saved through the one save helper (version, ``updated_at``, history).
    """
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment first."})
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": "Choose public or internal."})
    if visibility == Visibility.INTERNAL and not staff:
        raise Refused("internal_notes_staff_only")
    comment_model, record_field = _related(model, "comments")
    with transaction.atomic():
        record = lock_record(model, record_id, related=related)
        _check_open(record)
        comment = comment_model(
            **{record_field: record}, author=actor, body=body, visibility=visibility
        )
        comment.full_clean()
        record_change(comment, actor, "comment")
        comment.save()
        if staff and comment.is_public and on_staff_reply is not None:
            fields = list(on_staff_reply(record, comment))
            if fields:
                save_record(
                    record, actor=actor, reason="responded: first public comment", fields=fields
                )
        if comment.is_public:
            notify_on_commit(record, "commented", comment_id=comment.pk)
    return comment


def attachment_add(model: type[models.Model], *, record_id, actor, upload):
    """Attach a file after checking its size and type; the stored name is random."""
    name = validate_upload(upload)
    attachment_model, record_field = _related(model, "attachments")
    with transaction.atomic():
        record = lock_record(model, record_id)
        _check_open(record)
        # Under the record's lock, so two uploads cannot both squeeze under its quota.
        check_storage_quota(
            record_attachments=record.attachments.all(), user=actor, size=upload.size
        )
        attachment = attachment_model(
            **{record_field: record},
            file=upload,
            original_name=name,
            size=upload.size,
            uploaded_by=actor,
        )
        record_change(attachment, actor, "attach")
        attachment.save()
    return attachment


def watch(model: type[models.Model], *, record_id, actor, watching: bool = True):
    """Follow or unfollow a record (the caller has checked the actor may see it).

    The watcher list's history row names the actor and what they did. It does not bump
    the record's version: following a record must not make someone's open edit stale.
    """
    with transaction.atomic():
        record = lock_record(model, record_id)
        record_change(record, actor, "watch" if watching else "unwatch")
        if watching:
            record.watchers.add(actor)
        else:
            record.watchers.remove(actor)
    return record
