"""Batch twins of :mod:`itsm.writes` for jobs that write many rows of one model at once.

``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()`` write no history, so the
project allows them only in functions named ``*_with_history`` that write the history
rows themselves (``tests/test_history_bypass.py``). These are those functions:

- :func:`lock_records`: up to N rows of a queryset, locked, skipping rows others hold;
- :func:`save_records_with_history`: :func:`itsm.writes.save_record` for many rows;
- :func:`create_records_with_history`: new rows and their history rows.

Each writes the same rows the one-at-a-time path writes (the version bump,
``updated_at``, one history row per record with its actor, reason and transition, and the
many-to-many links simple-history snapshots), in a fixed number of statements. On
PostgreSQL the rows are updated from one ``VALUES`` list and the history rows are copied
from the table in one ``INSERT ... SELECT``, so no per-value work happens in Python; other
databases use Django's and simple-history's bulk methods.
"""

from collections.abc import Iterable, Sequence

from django.db import connections, models, router
from django.utils import timezone
from simple_history.utils import (
    get_history_manager_for_model,
    get_history_model_for_model,
    get_m2m_field_name,
)

from itsm.writes import stamp_record

# Rows per statement: PostgreSQL takes at most 65,535 parameters in one statement.
ROWS_PER_STATEMENT = 1000

HISTORY_COLUMNS = (
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_transition",
)


def lock_records(queryset: models.QuerySet, *, limit: int) -> list[models.Model]:
    """Up to ``limit`` rows of the ordered ``queryset``, locked until the transaction ends.

    Rows another transaction holds are skipped, not waited for, so a job never queues
    behind a person's edit; it takes them on its next run.
    """
    return list(queryset.select_for_update(skip_locked=True, of=("self",))[:limit])


def save_records_with_history(
    changes: Sequence[tuple[models.Model, str]],
    *,
    actor,
    fields: Iterable[str],
    transition: str = "",
) -> None:
    """Save ``fields`` of many locked rows of one model, given as (record, reason) pairs."""
    if not changes:
        return
    instances = [instance for instance, _reason in changes]
    model = type(instances[0])
    fields = set(fields)
    now = timezone.now()
    for instance, reason in changes:
        stamp_record(instance, actor=actor, reason=reason, fields=fields, transition=transition)
        if "updated_at" in fields:
            instance.updated_at = now  # a bulk write applies no auto_now
    for chunk in _chunks(instances):
        if _connection(model).vendor == "postgresql":
            _update_from_values(model, chunk, sorted(fields))
        else:
            model._default_manager.bulk_update(chunk, sorted(fields))
        history = _write_history(model, chunk, history_type="~", transition=transition)
        _snapshot_m2m_with_history(model, history)


def create_records_with_history(instances: Sequence[models.Model]) -> list[models.Model]:
    """Insert new rows of one model and a history row for each.

    Call :func:`itsm.audit.record_change` on each instance first, as for a save.
    """
    if not instances:
        return []
    model = type(instances[0])
    created = []
    for chunk in _chunks(instances):
        created += model._default_manager.bulk_create(chunk)
        _write_history(model, chunk, history_type="+", transition="")
    return created


def _chunks(instances: Sequence[models.Model]):
    for start in range(0, len(instances), ROWS_PER_STATEMENT):
        yield list(instances[start : start + ROWS_PER_STATEMENT])


def _connection(model):
    return connections[router.db_for_write(model)]


def _update_from_values(model: type[models.Model], instances, fields: list[str]) -> None:
    """Write ``fields`` of each instance to its row in one PostgreSQL statement.

    Django's ``bulk_update`` builds a CASE with a WHEN per row for every field, about
    half a millisecond per row and field in Python; ``UPDATE ... FROM (VALUES ...)`` does
    the same from a flat parameter list.
    """
    connection = _connection(model)
    opts = model._meta
    columns = [opts.pk, *(opts.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    row = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in columns) + ")"
    params = [
        field.get_db_prep_save(getattr(instance, field.attname), connection)
        for instance in instances
        for field in columns
    ]
    pk = quote(opts.pk.column)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns[1:])
    # Identifiers come from the model's metadata and are quoted; values are parameters.
    sql = (
        f"UPDATE {quote(opts.db_table)} AS t SET {assignments} "  # noqa: S608
        f"FROM (VALUES {', '.join([row] * len(instances))}) "
        f"AS v ({', '.join(quote(f.column) for f in columns)}) WHERE t.{pk} = v.{pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def history_is_copyable(model: type[models.Model]) -> bool:
    """Whether the copy knows every column of the model's history table.

    True for every history made by :func:`itsm.audit.audit_history`; any other gets
    simple-history's own bulk path.
    """
    history_model = get_history_model_for_model(model)
    every = {f.name for f in history_model._meta.concrete_fields}
    tracked = {f.name for f in history_model.tracked_fields}
    return every == tracked | {history_model._meta.pk.name, *HISTORY_COLUMNS}


def _write_history(model, instances, *, history_type: str, transition: str) -> dict:
    """One history row per instance, copied from its row as stored; {record pk: history pk}.

    Each instance carries its actor and reason (:func:`itsm.audit.record_change`).
    """
    connection = _connection(model)
    history_model = get_history_model_for_model(model)
    tracked = history_model.tracked_fields
    if connection.vendor != "postgresql" or not history_is_copyable(model):
        rows = get_history_manager_for_model(model).bulk_history_create(
            instances,
            update=history_type == "~",
            custom_historical_attrs={"history_transition": transition},
        )
        pk = model._meta.pk.attname
        return {getattr(row, pk): row.pk for row in rows or ()}
    quote = connection.ops.quote_name
    pk = model._meta.pk
    target = [f.column for f in tracked]
    target += [history_model._meta.get_field(name).column for name in HISTORY_COLUMNS]
    row = f"(%s::{pk.db_type(connection)}, %s::text, %s::bigint)"
    # Identifiers come from the models' metadata and are quoted; values are parameters.
    sql = (
        f"INSERT INTO {quote(history_model._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(column) for column in target)}) "
        f"SELECT {', '.join(f't.{quote(f.column)}' for f in tracked)}, "
        "%s, v.reason, %s, v.actor, %s "
        f"FROM {quote(model._meta.db_table)} AS t "
        f"JOIN (VALUES {', '.join([row] * len(instances))}) AS v (pk, reason, actor) "
        f"ON t.{quote(pk.column)} = v.pk "
        f"RETURNING {quote(pk.column)}, {quote(history_model._meta.pk.column)}"
    )
    params = [timezone.now(), history_type, transition]
    for instance in instances:
        actor = getattr(instance, "_history_user", None)
        params += [instance.pk, getattr(instance, "_change_reason", ""), getattr(actor, "pk", None)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _snapshot_m2m_with_history(model: type[models.Model], history: dict) -> None:
    """What simple-history's save copies with each history row: the many-to-many links."""
    history_model = get_history_model_for_model(model)
    for field in getattr(history_model, "_history_m2m_fields", ()):
        through = field.remote_field.through
        source = through._meta.get_field(get_m2m_field_name(field))
        links = through._default_manager.filter(**{f"{source.name}__in": list(history)})
        m2m_history_model = getattr(history_model, field.name).model
        names = [f.attname for f in through._meta.fields]
        m2m_history_model._default_manager.bulk_create(
            m2m_history_model(
                history_id=history[getattr(link, source.attname)],
                **{name: getattr(link, name) for name in names},
            )
            for link in links
        )
