"""Submitting a request: who may request what for whom, and its answers, checked first.

Nothing is written unless everything holds: the item may be requested by the actor, the
actor may request for the person named (themselves, their reports as their line manager,
anyone as the service desk), every answer is valid against the item's questions as they
are now (stored with the request), and, when a line manager must approve, the person
has one. A request for someone without a manager is refused on ``requested_for`` with a
message that says so, rather than skipping the approval.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.audit import record_change
from itsm.errors import Refused
from itsm.models import ConfigurationItem
from itsm.models.people import manager_of
from itsm.notifications import notify_on_commit
from itsm.numbering import allocate_number
from requests_app import sla
from requests_app.answers import snapshot, validate_answers
from requests_app.choices import ApprovalRule
from requests_app.models import CatalogItem, ServiceRequest
from requests_app.selectors import catalog_items_for
from requests_app.services.transitions import request_transition

MAX_QUANTITY = 100


def _user(pk):
    return (
        get_user_model().objects.filter(pk=pk, is_active=True).values_list("pk", flat=True).first()
    )


def _ci(pk):
    return (
        ConfigurationItem.objects.filter(pk=pk, is_active=True).values_list("pk", flat=True).first()
    )


LOOKUPS = {"user": _user, "ci": _ci}


def may_request_for(actor, person) -> bool:
    """Anyone for themselves, a line manager for their reports, the service desk for anyone."""
    from requests_app.workflow import request_staff

    if person.pk == actor.pk or request_staff(actor, None):
        return True
    manager = manager_of(person)
    return manager is not None and manager.pk == actor.pk


def _check(item, actor, requested_for, quantity) -> None:
    if not may_request_for(actor, requested_for):
        raise Refused("request_for_not_permitted", field="requested_for")
    errors = {}
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        errors["quantity"] = "Enter a whole number."
    elif not 1 <= quantity <= MAX_QUANTITY:
        errors["quantity"] = f"Enter a quantity from 1 to {MAX_QUANTITY}."
    manager_step = item.approval in (ApprovalRule.MANAGER, ApprovalRule.MANAGER_THEN_GROUP)
    if manager_step and manager_of(requested_for) is None:
        errors["requested_for"] = (
            f"{requested_for.get_full_name() or requested_for.get_username()} has no line "
            "manager to approve this: ask the service desk to record one first."
        )
    if errors:
        raise ValidationError(errors)


def request_submit(
    *,
    actor,
    item_id,
    answers,
    requested_for=None,
    quantity: int = 1,
    start: bool = True,
) -> ServiceRequest:
    """Submit a request for catalogue item ``item_id`` with ``answers`` (question key ->
    answer). With ``start`` (always, outside tests) the request moves on at once: to its
    approvers when the item needs approval, else to approved with its tasks made."""
    item = (
        catalog_items_for(user=actor).filter(pk=item_id).first() if str(item_id).isdigit() else None
    )
    if item is None:
        name = CatalogItem.objects.filter(pk=item_id).values_list("name", flat=True).first()
        raise Refused("request_item_unavailable", field="item", item=name or "this item")
    requested_for = requested_for or actor
    _check(item, actor, requested_for, quantity)
    questions = snapshot(list(item.questions.order_by("order", "pk")))
    clean, errors = validate_answers(questions, answers, LOOKUPS)
    if errors:
        raise ValidationError({f"answers.{key}": message for key, message in errors.items()})
    with transaction.atomic():
        request = ServiceRequest(
            number=allocate_number("REQ"),
            title=item.name,
            item=item,
            requested_by=actor,
            requested_for=requested_for,
            quantity=quantity,
            answers=clean,
            questions=questions,
            submitted_at=timezone.now(),
            sla_policy=sla.policy_for(item),
        )
        sla.refresh(request, recorded=set())
        record_change(request, actor, "submit")
        request.save()
        notify_on_commit(request, "submitted")
        if start:
            name = "request_approval" if item.needs_approval else "accept"
            request = request_transition(request_id=request.pk, name=name, actor=actor)
    return request


def request_update(*, request_id, actor, changes: dict, expected_version: int) -> ServiceRequest:
    """Staff set a request's priority (its SLA targets follow); nothing else is edited
    once submitted: requesters comment or cancel."""
    from itsm.writes import lock_record, save_record
    from requests_app.workflow import request_staff

    unknown = set(changes) - {"priority"}
    if unknown:
        raise ValidationError({name: "This field cannot be edited." for name in sorted(unknown)})
    with transaction.atomic():
        request = lock_record(ServiceRequest, request_id, expected_version=expected_version)
        if not request_staff(actor, request):
            raise Refused("not_permitted", "Only the service desk may change a request.")
        if request.is_finished:
            raise Refused(
                "record_closed", number=request.number, state=request.get_status_display().lower()
            )
        fields = set()
        if "priority" in changes and changes["priority"] != request.priority:
            request.priority = changes["priority"]
            fields |= {"priority", *sla.refresh(request)}
        if fields:
            save_record(request, actor=actor, reason="edit", fields=fields)
    return request
