"""The one way a record row is locked and the one way it is saved.

Every service that changes a record (a transition, an edit, a comment that meets the
response target, the SLA job) locks it with :func:`lock_record` and saves it with
:func:`save_record`, so the version check, the version bump, ``updated_at``, the actor,
the reason and the transition name are never forgotten.
"""

from collections.abc import Iterable, Sequence

from django.db import models
from django.utils import timezone
from simple_history.utils import (
    bulk_create_with_history,
    get_history_manager_for_model,
    get_history_model_for_model,
    get_m2m_field_name,
)

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
    _stamp(instance, actor=actor, reason=reason, fields=fields, transition=transition)
    instance.save(update_fields=sorted(fields))
    return instance


def lock_records(queryset: models.QuerySet, *, limit: int) -> list[models.Model]:
    """Up to ``limit`` rows of the ordered ``queryset``, locked until the transaction ends.

    For batch jobs: rows another transaction holds are skipped, not waited for, so a job
    never queues behind a person's edit; it takes them on its next run.
    """
    return list(queryset.select_for_update(skip_locked=True, of=("self",))[:limit])


def _stamp(instance, *, actor, reason: str, fields: set[str], transition: str) -> None:
    if hasattr(instance, "version"):
        instance.version += 1
        fields.add("version")
    if hasattr(instance, "updated_at"):
        fields.add("updated_at")
    record_change(instance, actor, reason, transition=transition)


def save_records_with_history(
    changes: Sequence[tuple[models.Model, str]],
    *,
    actor,
    fields: Iterable[str],
    transition: str = "",
) -> None:
    """:func:`save_record` for many locked rows of one model: (record, reason) pairs.

    One UPDATE and one history INSERT for the lot (plus one read and one INSERT per
    many-to-many field the history snapshots), instead of two or more per row. Each row
    gets the same version bump, ``updated_at`` and history row as :func:`save_record`.
    """
    if not changes:
        return
    instances = [instance for instance, _reason in changes]
    model = type(instances[0])
    fields = set(fields)
    now = timezone.now()
    for instance, reason in changes:
        _stamp(instance, actor=actor, reason=reason, fields=fields, transition=transition)
        if "updated_at" in fields:
            instance.updated_at = now  # bulk_update does not apply auto_now
    model._default_manager.bulk_update(instances, sorted(fields))
    history_manager = get_history_manager_for_model(model)
    rows = history_manager.bulk_history_create(
        instances, update=True, custom_historical_attrs={"history_transition": transition}
    )
    _snapshot_m2m_with_history(model, rows or [])


def _snapshot_m2m_with_history(model: type[models.Model], rows) -> None:
    """What simple-history's save copies for each history row: the many-to-many links."""
    history_model = get_history_model_for_model(model)
    by_record = {getattr(row, model._meta.pk.attname): row for row in rows}
    for field in getattr(history_model, "_history_m2m_fields", ()):
        through = field.remote_field.through
        source = through._meta.get_field(get_m2m_field_name(field))
        links = through._default_manager.filter(**{f"{source.name}__in": list(by_record)})
        m2m_history_model = getattr(history_model, field.name).model
        names = [f.attname for f in through._meta.fields]
        m2m_history_model._default_manager.bulk_create(
            m2m_history_model(
                history=by_record[getattr(link, source.attname)],
                **{name: getattr(link, name) for name in names},
            )
            for link in links
        )


def create_records_with_history(instances: Sequence[models.Model]) -> list[models.Model]:
    """Insert new rows of one model and their history rows: two queries whatever their number.

    Call :func:`itsm.audit.record_change` on each instance first, as for a save.
    """
    if not instances:
        return []
    return bulk_create_with_history(list(instances), type(instances[0]))
