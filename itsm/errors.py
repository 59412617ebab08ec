"""Stable error codes: the one vocabulary the API, the admin and the portal speak.

A service refuses a write by raising :class:`Refused` (or :class:`TransitionNotAllowed`
for the transition table's own checks) with a code from :data:`CODES`. The code is the
contract with API clients; the message is what people read. A message may be a template
whose ``{placeholders}`` the raiser fills in; a raiser that knows better words may pass
its own ``message``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    status: int
    message: str


CONFLICT, FORBIDDEN, BAD_INPUT = 409, 403, 400

CODES: dict[str, ErrorCode] = {
    # Any record
    "stale_version": ErrorCode(
        CONFLICT, "This record was changed by someone else; reload it and try again."
    ),
    "not_permitted": ErrorCode(FORBIDDEN, "You may not do this."),
    "record_closed": ErrorCode(CONFLICT, "{number} is {state}."),
    "internal_notes_staff_only": ErrorCode(FORBIDDEN, "Only IT staff can write work notes."),
    "invalid_input": ErrorCode(BAD_INPUT, "The input is not valid."),
    "reason_required": ErrorCode(BAD_INPUT, "A reason is required to {action}."),
    "no_team": ErrorCode(BAD_INPUT, "You are not a member of any assignment group."),
    # The transition table
    "unknown_transition": ErrorCode(BAD_INPUT, "There is no transition called '{name}'."),
    "invalid_state": ErrorCode(
        CONFLICT, "'{label}' is not possible while the record is {state} (only when {allowed})."
    ),
    # Approvals (any record type that needs them)
    "no_approval_policy": ErrorCode(CONFLICT, "No active approval policy with steps for '{key}'."),
    "no_pending_approval": ErrorCode(CONFLICT, "{number} is not waiting for an approval."),
    "approver_conflict": ErrorCode(
        FORBIDDEN, "Separation of duties: you may not approve {number} because you {rule}."
    ),
    "no_manager": ErrorCode(CONFLICT, "{person} has no line manager to approve this."),
    "not_an_approver": ErrorCode(FORBIDDEN, "This approval step waits for {step}."),
    "already_decided": ErrorCode(CONFLICT, "You have already decided on this approval step."),
    "rejection_comment_required": ErrorCode(BAD_INPUT, "Say why you reject it in a comment."),
    # Incidents
    "assignee_not_in_group": ErrorCode(BAD_INPUT, "{user} is not a member of {group}."),
    "assignee_required": ErrorCode(
        CONFLICT, "Assign the incident to a person before starting work."
    ),
    "hold_reason_required": ErrorCode(BAD_INPUT, "Choose why the incident is on hold: {choices}."),
    "resolution_code_required": ErrorCode(
        BAD_INPUT, "A resolution code is required to resolve an incident."
    ),
    "resolution_notes_required": ErrorCode(
        BAD_INPUT, "Resolution notes are required to resolve an incident."
    ),
    "no_escalation_target": ErrorCode(
        CONFLICT, "The incident's group has no next tier to escalate to."
    ),
    "no_group_manager": ErrorCode(CONFLICT, "The incident's group has no manager to escalate to."),
    "confirmation_pending": ErrorCode(
        CONFLICT,
        "The reporter has not confirmed the resolution and the {days}-day confirmation "
        "window has not passed.",
    ),
    "already_confirmed": ErrorCode(CONFLICT, "The resolution is already confirmed."),
    "already_major": ErrorCode(CONFLICT, "This is already a major incident."),
    "not_major": ErrorCode(CONFLICT, "This is not a major incident."),
    # Problems
    "root_cause_required": ErrorCode(
        BAD_INPUT, "A root-cause statement is required to record a known error."
    ),
    "workaround_required": ErrorCode(
        BAD_INPUT, "A workaround is required to record or publish a known error."
    ),
    "problem_resolution_code_required": ErrorCode(
        BAD_INPUT, "A resolution code is required to resolve a problem."
    ),
    "fix_description_required": ErrorCode(
        BAD_INPUT, "A fix description is required to resolve a problem."
    ),
    "workaround_already_published": ErrorCode(CONFLICT, "The workaround is already published."),
    "workaround_not_published": ErrorCode(CONFLICT, "The workaround is not published."),
    # Changes
    "change_wrong_type": ErrorCode(CONFLICT, "{action} is for {expected} changes only."),
    "change_plans_required": ErrorCode(
        BAD_INPUT, "Implementation and backout plans are required before {action}."
    ),
    "change_window_required": ErrorCode(
        BAD_INPUT, "A planned start and end are required before {action}."
    ),
    "change_in_freeze": ErrorCode(
        CONFLICT, "The planned window falls in the freeze window {window}."
    ),
    "change_conflicts_unacknowledged": ErrorCode(
        BAD_INPUT, "The planned window collides with {conflicts}: acknowledge with a reason."
    ),
    "change_template_not_approved": ErrorCode(
        CONFLICT, "Only an approved template version can be used ({version} is not)."
    ),
    "change_template_outside_scope": ErrorCode(
        BAD_INPUT, "The template may not be used on {items}."
    ),
    "change_not_approved": ErrorCode(CONFLICT, "{number} has no approved approval track."),
    "change_not_rejected": ErrorCode(CONFLICT, "{number} has no rejected approval track."),
    "change_closure_code_required": ErrorCode(
        BAD_INPUT, "A closure code is required to close a change."
    ),
    "change_review_notes_required": ErrorCode(
        BAD_INPUT, "A failed or backed-out change needs review notes before closing."
    ),
    "change_not_found": ErrorCode(BAD_INPUT, "There is no change {change}."),
    "change_not_implemented": ErrorCode(
        BAD_INPUT,
        "{number} is {state}: only a change that is implementing, in review or closed "
        "can have caused an incident.",
    ),
    "risk_override_reason_required": ErrorCode(
        BAD_INPUT, "A reason is required to override the computed risk."
    ),
    # On-call pages
    "page_acknowledged": ErrorCode(CONFLICT, "This page was acknowledged already."),
    "page_link_used": ErrorCode(
        CONFLICT, "This link was used already, or the page was acknowledged another way."
    ),
    "page_link_invalid": ErrorCode(BAD_INPUT, "This acknowledgement link is not valid or expired."),
    # Postmortems
    "postmortem_exists": ErrorCode(CONFLICT, "{number} already has a postmortem."),
    "postmortem_not_major": ErrorCode(
        CONFLICT, "{number} is not a major incident: only major incidents get a postmortem."
    ),
    "postmortem_read_only": ErrorCode(
        CONFLICT, "The postmortem is {state}: only a draft is edited (action-item progress always)."
    ),
    "postmortem_incomplete": ErrorCode(
        BAD_INPUT, "The summary and the root cause are needed before the review."
    ),
    "postmortem_not_approved": ErrorCode(CONFLICT, "The postmortem has no approved sign-off."),
    "postmortem_not_rejected": ErrorCode(CONFLICT, "The postmortem has no rejected sign-off."),
    "action_item_one_link": ErrorCode(
        BAD_INPUT, "An action item links to a problem or to a change, not both."
    ),
    # Service requests
    "request_item_unavailable": ErrorCode(FORBIDDEN, "You may not request {item}."),
    "request_for_not_permitted": ErrorCode(
        FORBIDDEN, "You may request only for yourself or for the people who report to you."
    ),
    "request_not_approved": ErrorCode(CONFLICT, "{number} has no approved approval track."),
    "request_not_rejected": ErrorCode(CONFLICT, "{number} has no rejected approval track."),
    "request_needs_no_approval": ErrorCode(CONFLICT, "{item} needs no approval."),
    "request_tasks_unfinished": ErrorCode(
        CONFLICT, "{number} still has fulfilment tasks to do, or none of them was done."
    ),
    "task_predecessors_unfinished": ErrorCode(
        CONFLICT, "This task waits for the tasks before it: {waiting}."
    ),
    "task_assignee_not_in_group": ErrorCode(BAD_INPUT, "The assignee must be a member of {group}."),
    # Stakeholder communication
    "update_body_required": ErrorCode(BAD_INPUT, "Write the update for the stakeholders."),
    "update_channel_required": ErrorCode(BAD_INPUT, "Choose at least one channel: {choices}."),
}


class Refused(Exception):
    """A write refused by a rule, with a stable ``code`` from :data:`CODES`.

    ``status`` is the HTTP status interfaces answer with: 409 for a state conflict, 403
    for a permission refusal, 400 for missing or bad input. ``field`` names the input at
    fault, so forms can show the message next to it.
    """

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        status: int | None = None,
        field: str | None = None,
        **params,
    ):
        try:
            entry = CODES[code]
        except KeyError:
            raise ValueError(f"Unregistered error code {code!r}: add it to itsm.errors.") from None
        self.code = code
        self.message = message or entry.message.format(**params)
        self.status = status or entry.status
        self.field = field
        super().__init__(self.message)

    def __str__(self):
        return self.message


class TransitionNotAllowed(Refused):
    """A transition the table, the actor's permission or a guard refused."""
