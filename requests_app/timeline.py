"""How a request's timeline reads: its states (with public reasons) and confirmation."""

from itsm.timeline import Entry, TimelineSpec, person
from itsm.timeline import build_timeline as build_record_timeline
from requests_app.choices import Status
from requests_app.selectors import request_comments_visible_to
from requests_app.workflow import WORKFLOW


def _status_entry(spec, prev, row) -> Entry:
    if row.status == Status.REJECTED:
        return Entry(
            row.history_date,
            "rejected",
            "Rejected",
            person(row.history_user),
            detail=row.outcome_reason,
        )
    if row.status == Status.CLOSED and row.confirmed_at:
        return Entry(row.history_date, "closed", "Confirmed and closed", person(row.history_user))
    return spec.state_entry(row)


TIMELINE = TimelineSpec(
    workflow=WORKFLOW,
    status_entry=_status_entry,
    comments=lambda *, user, record: request_comments_visible_to(user=user, request=record),
)


def build_timeline(*, request, user) -> list[Entry]:
    return build_record_timeline(TIMELINE, record=request, user=user)
