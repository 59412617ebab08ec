"""The fulfilment task transition table: open -> in progress -> done; cancelled.

A task starts only when every task of its request with a lower order is finished (done or
cancelled) and the request is approved; starting the first task starts the request's
fulfilment, and finishing the last one fulfils the request when at least one task was
done (``requests_app.services.tasks``).
"""

from django.contrib.auth import get_user_model
from django.utils import timezone

from itsm.workflow import Input, Transition, TransitionNotAllowed, Workflow
from requests_app.choices import TASK_FINISHED, Status, TaskStatus
from requests_app.workflow import STAFF, request_staff

WORKING = frozenset({TaskStatus.OPEN, TaskStatus.IN_PROGRESS})


def _member(group, user) -> bool:
    return group.members.filter(pk=user.pk).exists()


def _assignee(value):
    if value is None or hasattr(value, "pk"):
        return value
    found = get_user_model().objects.filter(pk=value, is_active=True).first()
    if found is None:
        raise TransitionNotAllowed(
            "invalid_input", "No active user with that id.", status=400, field="assignee"
        )
    return found


def _assign_guard(task, params):
    assignee = _assignee(params.get("assignee"))
    if assignee is None:
        raise TransitionNotAllowed("invalid_input", "Choose the assignee.", field="assignee")
    if not _member(task.group, assignee):
        raise TransitionNotAllowed("task_assignee_not_in_group", field="assignee", group=task.group)
    params["assignee"] = assignee


def waiting_for(task) -> list[str]:
    """The titles of the earlier tasks this task still waits for."""
    return list(
        task.request.tasks.filter(order__lt=task.order)
        .exclude(status__in=TASK_FINISHED)
        .values_list("title", flat=True)
    )


def _start_guard(task, params):
    if task.request.status not in (Status.APPROVED, Status.IN_FULFILMENT):
        raise TransitionNotAllowed(
            "invalid_state",
            label="Start",
            state=task.request.get_status_display().lower(),
            allowed="approved, in fulfilment",
        )
    waiting = waiting_for(task)
    if waiting:
        raise TransitionNotAllowed("task_predecessors_unfinished", waiting=", ".join(waiting))


def _apply_assign(task, params):
    task.assignee = params["assignee"]
    return ["assignee"]


def _apply_start(task, params):
    task.started_at = timezone.now()
    actor = params.get("actor")
    if task.assignee_id is None and actor is not None and _member(task.group, actor):
        task.assignee = actor
    return ["started_at", "assignee"]


def _apply_finish(task, params):
    task.finished_at = timezone.now()
    return ["finished_at"]


def _request_follows(task, actor):
    from requests_app.services.tasks import request_follows_tasks

    request_follows_tasks(task.request_id, actor=actor)


TASK_WORKFLOW = Workflow(
    states=TaskStatus,
    terminal=frozenset(TASK_FINISHED),
    transitions=[
        Transition(
            "assign",
            WORKING,
            None,
            "Assign",
            request_staff,
            STAFF,
            guard=_assign_guard,
            inputs=(Input("assignee", "user", "Assignee", required=True),),
            apply=_apply_assign,
        ),
        Transition(
            "start",
            frozenset({TaskStatus.OPEN}),
            TaskStatus.IN_PROGRESS,
            "Start",
            request_staff,
            STAFF,
            guard=_start_guard,
            apply=_apply_start,
            after=_request_follows,
        ),
        Transition(
            "done",
            frozenset({TaskStatus.IN_PROGRESS}),
            TaskStatus.DONE,
            "Done",
            request_staff,
            STAFF,
            apply=_apply_finish,
            after=_request_follows,
        ),
        Transition(
            "cancel",
            WORKING,
            TaskStatus.CANCELLED,
            "Cancel task",
            request_staff,
            STAFF,
            needs_reason=True,
            apply=_apply_finish,
            after=_request_follows,
        ),
    ],
)
