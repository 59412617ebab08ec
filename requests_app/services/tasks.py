"""Fulfilment tasks: made on approval, worked through their table, driving the request."""

from django.db import transaction

from itsm.audit import record_change, system_user
from itsm.errors import Refused
from itsm.workflow import run_transition
from requests_app.choices import Status, TaskStatus
from requests_app.models import FulfilmentTask, ServiceRequest
from requests_app.task_workflow import TASK_WORKFLOW
from requests_app.workflow import tasks_allow_fulfilment


def create_tasks(request: ServiceRequest, *, actor) -> list[FulfilmentTask]:
    """One task per task template of the request's item, in the templates' order."""
    made = []
    for template in request.item.task_templates.order_by("order", "pk"):
        task = FulfilmentTask(
            request=request,
            template=template,
            title=template.title,
            group_id=template.group_id,
            order=template.order,
        )
        record_change(task, actor, f"created on approval of {request.number}")
        task.save()
        made.append(task)
    return made


def cancel_open_tasks(request: ServiceRequest, *, actor) -> None:
    """Cancel the unfinished tasks of a cancelled request (as the system: the requester
    who cancelled does not work tasks)."""
    system = system_user()
    for task in request.tasks.exclude(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED]):
        task_transition(
            task_id=task.pk,
            name="cancel",
            actor=system,
            reason=f"{request.number} cancelled by {actor.get_username()}",
        )


def task_transition(
    *, task_id, name: str, actor, expected_version: int | None = None, **params
) -> FulfilmentTask:
    """Run the named task transition: the only way a task's status changes."""
    params["actor"] = actor
    return run_transition(
        TASK_WORKFLOW,
        model=FulfilmentTask,
        pk=task_id,
        name=name,
        actor=actor,
        params=params,
        expected_version=expected_version,
        related=("request", "group"),
    )


@transaction.atomic
def request_follows_tasks(request_id, *, actor) -> None:
    """Start the request's fulfilment when work starts; fulfil it when its tasks allow."""
    from requests_app.services.transitions import request_transition

    request = ServiceRequest.objects.select_for_update().get(pk=request_id)
    if request.status not in (Status.APPROVED, Status.IN_FULFILMENT):
        return
    started = request.tasks.filter(status__in=[TaskStatus.IN_PROGRESS, TaskStatus.DONE]).exists()
    if request.status == Status.APPROVED and started:
        request_transition(request_id=request_id, name="start_fulfilment", actor=actor)
    if request.tasks.exists() and tasks_allow_fulfilment(request):
        try:
            request_transition(request_id=request_id, name="fulfil", actor=actor)
        except Refused:
            return
