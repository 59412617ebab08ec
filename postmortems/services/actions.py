"""Action items: added and edited with the draft; their progress moves at any time."""

from django.core.exceptions import ValidationError
from django.db import transaction

from itsm.audit import record_change
from itsm.errors import Refused
from itsm.writes import lock_record, save_record
from postmortems.choices import ActionStatus
from postmortems.models import ActionItem, Postmortem
from postmortems.services.records import _check_writer, check_draft

ACTION_EDITABLE = frozenset({"title", "owner", "due_date", "problem", "change"})


def _checked(item) -> ActionItem:
    if item.problem_id and item.change_id:
        raise Refused("action_item_one_link", field="change")
    item.full_clean(exclude=["postmortem"], validate_constraints=False)
    return item


def action_item_add(*, postmortem_id, actor, title: str, **fields) -> ActionItem:
    """A problem, a change or a task (with an owner and a due date) to follow up."""
    refused = sorted(set(fields) - ACTION_EDITABLE)
    if refused:
        raise ValidationError({name: "Not an action-item field." for name in refused})
    with transaction.atomic():
        postmortem = lock_record(Postmortem, postmortem_id)
        _check_writer(actor, postmortem)
        check_draft(postmortem)
        item = _checked(ActionItem(postmortem=postmortem, title=str(title).strip(), **fields))
        record_change(item, actor, "added")
        item.save()
        save_record(postmortem, actor=actor, reason=f"action item added: {item.title}", fields=())
    return item


def action_item_update(*, item_id, actor, changes: dict) -> ActionItem:
    refused = sorted(set(changes) - ACTION_EDITABLE)
    if refused:
        raise ValidationError({name: "You may not change this field." for name in refused})
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().get(pk=item_id)
        postmortem = lock_record(Postmortem, item.postmortem_id)
        _check_writer(actor, postmortem)
        check_draft(postmortem)
        for name, value in changes.items():
            setattr(item, name, value)
        _checked(item)
        record_change(item, actor, "edited: " + ", ".join(sorted(changes)))
        item.save()
        save_record(postmortem, actor=actor, reason=f"action item edited: {item.title}", fields=())
    return item


def action_item_progress(*, item_id, actor, status: str) -> ActionItem:
    """Move an action item on (open, in progress, done, cancelled), even once published.

    Its owner may, as may the postmortem's owner and postmortem staff.
    """
    if status not in ActionStatus.values:
        raise Refused("invalid_input", field="status")
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().select_related("postmortem").get(pk=item_id)
        if item.owner_id != actor.pk:
            _check_writer(actor, item.postmortem)
        if item.status != status:
            item.status = status
            record_change(item, actor, f"progress: {status}")
            item.save(update_fields=["status", "updated_at"])
    return item
