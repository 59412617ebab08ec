"""Saving catalogue items: the item (with history) and its approval policy, together."""

from django.db import transaction

from itsm.audit import record_change
from requests_app.approval import sync_item_policy
from requests_app.models import CatalogItem


@transaction.atomic
def catalog_item_save(*, item: CatalogItem, actor, reason: str = "") -> CatalogItem:
    """Save ``item`` as ``actor`` and keep its approval policy in step with its rule."""
    item.full_clean(exclude=["audience"], validate_constraints=False)
    record_change(item, actor, reason or ("change" if item.pk else "create"))
    item.save()
    sync_item_policy(item, actor=actor)
    return item
