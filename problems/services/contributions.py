"""Comments, work notes, attachments and watchers on problems (``itsm.contributions``)."""

from itsm import contributions
from problems.models import Problem, ProblemAttachment, ProblemComment
from problems.selectors import sees_all_problems


def problem_comment_add(
    *, problem_id, actor, body: str, visibility: str = ProblemComment.Visibility.INTERNAL
) -> ProblemComment:
    """Add a comment or work note. Only staff read problems, so notes are the default."""
    return contributions.comment_add(
        Problem,
        record_id=problem_id,
        actor=actor,
        body=body,
        visibility=visibility,
        staff=sees_all_problems(actor),
    )


def problem_attachment_add(*, problem_id, actor, upload) -> ProblemAttachment:
    return contributions.attachment_add(Problem, record_id=problem_id, actor=actor, upload=upload)


def problem_watch(*, problem_id, actor, watching: bool = True) -> Problem:
    return contributions.watch(Problem, record_id=problem_id, actor=actor, watching=watching)
