"""Service request test data: the catalogue made directly (staff edit it in the admin),
requests always through the services."""

import itertools

from itsm.audit import system_user
from itsm.demo.people import load_people
from itsm.models import Profile, Team
from requests_app import services
from requests_app.models import CatalogCategory, CatalogItem, Question, TaskTemplate

_names = itertools.count(1)


def setup() -> dict:
    """The demo people with their line managers (as in the demo)."""
    from requests_app.demo import MANAGERS

    users = load_people()
    for person, manager in MANAGERS.items():
        Profile.objects.update_or_create(user=users[person], defaults={"manager": users[manager]})
    return users


def desk() -> Team:
    return Team.objects.get(name="Service Desk")


def make_item(
    *, approval="none", approver_group=None, tasks=(("Prepare", 1), ("Deliver", 2)), **fields
) -> CatalogItem:
    category, _ = CatalogCategory.objects.get_or_create(name="Hardware")
    item = CatalogItem(
        category=category,
        name=fields.pop("name", f"Laptop {next(_names)}"),
        short_description="A laptop for work",
        fulfilment_group=desk(),
        approval=approval,
        approver_group=approver_group,
        **fields,
    )
    services.catalog_item_save(item=item, actor=system_user())
    Question.objects.create(
        item=item,
        key="model",
        label="Model",
        kind="choice",
        choices=["Standard", "Power"],
        required=True,
        order=1,
    )
    reason = Question.objects.create(
        item=item,
        key="why_power",
        label="Why the power model?",
        kind="long_text",
        order=2,
        required=True,
    )
    reason.condition_question = item.questions.get(key="model")
    reason.condition_value = "Power"
    reason.save()
    for title, order in tasks:
        TaskTemplate.objects.create(item=item, title=title, group=desk(), order=order)
    return item


ANSWERS = {"model": "Standard"}


def make_request(*, requester, item=None, start=True, **fields):
    item = item or make_item()
    return services.request_submit(
        actor=requester,
        item_id=item.pk,
        answers=fields.pop("answers", ANSWERS),
        start=start,
        **fields,
    )


def decide(request, name: str, actor, **params):
    """``approve`` or ``reject`` as ``actor``, with the notifications queued for after the
    commit sent too."""
    from django.test import TestCase

    from requests_app.models import ServiceRequest

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.request_transition(request_id=request.pk, name=name, actor=actor, **params)
    return ServiceRequest.objects.get(pk=request.pk)
