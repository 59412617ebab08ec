"""What the status page hears from incidents and changes.

A saved major incident (or one stood down) and a saved change that expects an outage
(or stops expecting one) queue a refresh after the commit; the tasks call the services,
so nothing here writes. Other saves, almost all of them, cost nothing.
"""

from django.db import transaction

from statuspage.tasks import refresh_component_statuses, sync_change_maintenance


def incident_saved(sender, instance, update_fields=None, **kwargs):
    stood_down = update_fields is not None and "is_major" in update_fields
    if instance.is_major or stood_down:
        transaction.on_commit(refresh_component_statuses.delay)


def change_saved(sender, instance, update_fields=None, **kwargs):
    flag_changed = update_fields is not None and "outage_expected" in update_fields
    if instance.outage_expected or flag_changed:
        pk = instance.pk
        transaction.on_commit(lambda: sync_change_maintenance.delay(pk))
