"""Comments, work notes, attachments and watchers on changes (``itsm.contributions``)."""

from changes.models import Change, ChangeAttachment, ChangeComment
from changes.selectors import sees_all_changes
from itsm import contributions


def change_comment_add(
    *, change_id, actor, body: str, visibility: str = ChangeComment.Visibility.INTERNAL
) -> ChangeComment:
    return contributions.comment_add(
        Change,
        record_id=change_id,
        actor=actor,
        body=body,
        visibility=visibility,
        staff=sees_all_changes(actor),
    )


def change_attachment_add(*, change_id, actor, upload) -> ChangeAttachment:
    return contributions.attachment_add(Change, record_id=change_id, actor=actor, upload=upload)


def change_watch(*, change_id, actor, watching: bool = True) -> Change:
    return contributions.watch(Change, record_id=change_id, actor=actor, watching=watching)
