"""The problem transition table.

new -> assessed -> root cause analysis -> known error -> fix in progress -> resolved ->
closed; cancelled from any open state; a resolved problem reopens to root cause analysis
when a linked incident recurs. Publishing and withdrawing the workaround are record-only
transitions, so what employees can read changes through a named, audited action.

Problems are worked in the staff console and the API; the portal only shows published
known errors, so no transition is offered there.
"""

from django.utils import timezone

from itsm.roles import PROBLEM_MANAGER, has_role, role_allows
from itsm.workflow import Input, Transition, TransitionNotAllowed, Workflow
from problems.choices import (
    KEDB_STATUSES,
    OPEN_STATUSES,
    LinkedIncidents,
    ResolutionCode,
    RootCauseCategory,
    Status,
)
from problems.linked import resolve_linked_incidents

OPEN = frozenset(OPEN_STATUSES)
NOT_IN_PORTAL = frozenset({"portal"})
ONE_AT_A_TIME = frozenset({"portal", "admin_bulk"})


def problem_staff(user, problem) -> bool:
    return role_allows(user, "problems", "change")


def problem_manager(user, problem) -> bool:
    return has_role(user, PROBLEM_MANAGER)


# --- Guards ---------------------------------------------------------------------------------


def _given(params, name: str, current: str) -> str:
    value = params.get(name)
    return str(value if value not in (None, "") else current or "").strip()


def _need_root_cause_and_workaround(problem, params):
    if not _given(params, "root_cause", problem.root_cause):
        raise TransitionNotAllowed("root_cause_required", field="root_cause")
    if not _given(params, "workaround", problem.workaround):
        raise TransitionNotAllowed("workaround_required", field="workaround")


def _need_fix(problem, params):
    if params.get("resolution_code") not in ResolutionCode.values:
        raise TransitionNotAllowed("problem_resolution_code_required", field="resolution_code")
    if not str(params.get("fix_description") or "").strip():
        raise TransitionNotAllowed("fix_description_required", field="fix_description")
    linked = params.get("linked_incidents")
    if linked not in (None, "", *LinkedIncidents.values):
        raise TransitionNotAllowed("invalid_input", field="linked_incidents")


def _publishable(problem, params):
    if problem.workaround_published:
        raise TransitionNotAllowed("workaround_already_published")
    if not problem.is_known_error or not problem.workaround.strip():
        raise TransitionNotAllowed("workaround_required", field="workaround")


def _published(problem, params):
    if not problem.workaround_published:
        raise TransitionNotAllowed("workaround_not_published")


# --- Apply ----------------------------------------------------------------------------------


def _apply_known_error(problem, params):
    fields = ["is_known_error", "known_error_at"]
    for name in ("root_cause", "workaround"):
        value = str(params.get(name) or "").strip()
        if value:
            setattr(problem, name, value)
            fields.append(name)
    if params.get("root_cause_category"):
        problem.root_cause_category = params["root_cause_category"]
        fields.append("root_cause_category")
    problem.is_known_error = True
    problem.known_error_at = problem.known_error_at or timezone.now()
    return fields


def _apply_resolve(problem, params):
    problem.resolution_code = params["resolution_code"]
    problem.fix_description = params["fix_description"].strip()
    problem.resolved_at = timezone.now()
    problem.resolved_by = params["actor"]
    # Read by the follow-up (``_after_resolve``), which runs once the row is saved.
    problem._resolve_linked = params.get("linked_incidents") == LinkedIncidents.RESOLVE
    return ["resolution_code", "fix_description", "resolved_at", "resolved_by"]


def _apply_reopen(problem, params):
    problem.reopen_count += 1
    problem.resolved_at = None
    problem.resolved_by = None
    problem.resolution_code = ""
    return ["reopen_count", "resolved_at", "resolved_by", "resolution_code"]


def _apply_finish(problem, params):
    problem.closed_at = timezone.now()
    problem.closed_by = params["actor"]
    fields = ["closed_at", "closed_by"]
    if problem.workaround_published:
        # A finished problem is no longer offered to employees.
        problem.workaround_published = False
        fields.append("workaround_published")
    return fields


def _apply_publish(problem, params):
    problem.workaround_published = True
    return ["workaround_published"]


def _apply_withdraw(problem, params):
    problem.workaround_published = False
    return ["workaround_published"]


def _after_resolve(problem, actor) -> None:
    problem.linked_report = resolve_linked_incidents(
        problem, actor=actor, resolve=problem._resolve_linked
    )


# --- The table ------------------------------------------------------------------------------

STAFF = "problem managers and resolvers"
MANAGERS = "problem managers"

WORKFLOW = Workflow(
    states=Status,
    terminal=frozenset({Status.CLOSED, Status.CANCELLED}),
    transitions=[
        Transition(
            "assess",
            frozenset({Status.NEW}),
            Status.ASSESSED,
            "Assess",
            problem_staff,
            STAFF,
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "start_analysis",
            frozenset({Status.ASSESSED}),
            Status.ROOT_CAUSE_ANALYSIS,
            "Start root cause analysis",
            problem_staff,
            STAFF,
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "record_known_error",
            frozenset({Status.ASSESSED, Status.ROOT_CAUSE_ANALYSIS}),
            Status.KNOWN_ERROR,
            "Record as known error",
            problem_staff,
            STAFF,
            guard=_need_root_cause_and_workaround,
            inputs=(
                Input("root_cause", "longtext", "Root cause statement", help_text="If not set."),
                Input(
                    "root_cause_category",
                    "choice",
                    "Root-cause category",
                    choices=RootCauseCategory,
                ),
                Input("workaround", "longtext", "Workaround", help_text="Markdown, if not set."),
            ),
            apply=_apply_known_error,
            event="known_error",
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "start_fix",
            frozenset({Status.KNOWN_ERROR}),
            Status.FIX_IN_PROGRESS,
            "Start the fix",
            problem_staff,
            STAFF,
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "resolve",
            frozenset({Status.KNOWN_ERROR, Status.FIX_IN_PROGRESS}),
            Status.RESOLVED,
            "Resolve",
            problem_staff,
            STAFF,
            guard=_need_fix,
            inputs=(
                Input(
                    "resolution_code",
                    "choice",
                    "Resolution code",
                    required=True,
                    choices=ResolutionCode,
                ),
                Input("fix_description", "longtext", "Fix description", required=True),
                Input(
                    "linked_incidents",
                    "choice",
                    "Open linked incidents",
                    choices=LinkedIncidents,
                    help_text="Resolving them runs each through the incident workflow; "
                    "closed or cancelled ones are reported, not changed.",
                ),
            ),
            apply=_apply_resolve,
            event="resolved",
            after=_after_resolve,
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "reopen",
            frozenset({Status.RESOLVED}),
            Status.ROOT_CAUSE_ANALYSIS,
            "Reopen",
            problem_manager,
            MANAGERS,
            needs_reason=True,
            apply=_apply_reopen,
            not_in=ONE_AT_A_TIME,
        ),
        Transition(
            "close",
            frozenset({Status.RESOLVED}),
            Status.CLOSED,
            "Close",
            problem_manager,
            MANAGERS,
            needs_reason=True,
            apply=_apply_finish,
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "cancel",
            OPEN,
            Status.CANCELLED,
            "Cancel",
            problem_manager,
            MANAGERS,
            needs_reason=True,
            apply=_apply_finish,
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "publish_workaround",
            frozenset(KEDB_STATUSES),
            None,
            "Publish the workaround to employees",
            problem_manager,
            MANAGERS,
            guard=_publishable,
            apply=_apply_publish,
            event="workaround_published",
            not_in=NOT_IN_PORTAL,
        ),
        Transition(
            "withdraw_workaround",
            frozenset(KEDB_STATUSES),
            None,
            "Withdraw the published workaround",
            problem_manager,
            MANAGERS,
            guard=_published,
            needs_reason=True,
            apply=_apply_withdraw,
            not_in=NOT_IN_PORTAL,
        ),
    ],
)
