"""The one way a record row is locked and the one way it is saved.

Every service that changes a record (a transition, an edit, a comment that meets the
response target, the SLA job) locks it with :func:`lock_record` and saves it with
:func:`save_record`, so the version check, the version bump, ``updated_at``, the actor,
the reason and the transition name are never forgotten.
"""

from collections.abc import Iterable

from django.db import models

from itsm.audit import record_change
from itsm.errors import Refused


def lock_record(
    model: type[models.Model],
    pk,
    *,
    expected_version: int | None = None,
    related: Iterable[str] = (),
) -> models.Model:
    """The row locked for update until the transaction ends.

    Only the record's own row is locked (``of=self``): PostgreSQL refuses FOR UPDATE on
    the nullable side of the outer joins that ``related`` adds.
    """
    queryset = model.objects.select_for_update(of=("self",))
    if related:
        queryset = queryset.select_related(*related)
    instance = queryset.get(pk=pk)
    if expected_version is not None and instance.version != expected_version:
        raise Refused("stale_version")
    return instance


def save_record(
    instance: models.Model,
    *,
    actor,
    reason: str,
    fields: Iterable[str],
    transition: str = "",
) -> models.Model:
    """Save ``fields`` of a locked record with one history row naming actor and reason.

    Bumps ``version`` and ``updated_at`` where the model has them, so every change is
    seen by a version check and by "recently updated" lists.
    """
    fields = set(fields)
    stamp_record(instance, actor=actor, reason=reason, fields=fields, transition=transition)
    instance.save(update_fields=sorted(fields))
    return instance


def stamp_record(instance, *, actor, reason: str, fields: set[str], transition: str = "") -> None:
    """What every save of a record carries: the version bump, ``updated_at`` (added to
    ``fields``), the actor, the reason and the transition for its history row."""
    if hasattr(instance, "version"):
        instance.version += 1
        fields.add("version")
    if hasattr(instance, "updated_at"):
        fields.add("updated_at")
    record_change(instance, actor, reason, transition=transition)


def validate_fields(record: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """``full_clean`` of a record's own fields before a write, without a query per field.

    The database enforces the check constraints and the foreign keys, and the related rows
    come as instances the caller read (forms and serializers check they exist, are active
    and in scope): validating either again would cost a query each.
    """
    relations = [field.name for field in record._meta.concrete_fields if field.many_to_one]
    record.full_clean(exclude=[*exclude, *relations], validate_constraints=False)
