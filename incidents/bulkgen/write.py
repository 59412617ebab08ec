"""Write generated rows: COPY on PostgreSQL, batched INSERTs elsewhere."""

from django.db import connection, transaction
from django.db.models import Max
from psycopg import sql

from incidents.models import Incident, IncidentComment, SlaEvent, SlaPause
from itsm.models import NumberSequence
from itsm.numbering import WIDTH

WATCHERS = Incident.watchers.through


def tables() -> list:
    """Every table the builder writes, parents first."""
    from incidents.bulkgen.build import WATCHER_HISTORY

    models = [Incident, WATCHERS, SlaPause, SlaEvent, IncidentComment]
    history = [model.history.model for model in models if hasattr(model, "history")]
    return [*models, *history, WATCHER_HISTORY]


def next_ids() -> dict:
    return {
        model: (model.objects.aggregate(top=Max(model._meta.pk.attname))["top"] or 0) + 1
        for model in tables()
    }


def reserve_numbers(prefix: str, count: int) -> int:
    """Take ``count`` consecutive record numbers as ``allocate_number`` takes one; the first."""
    with transaction.atomic():
        sequence, _ = NumberSequence.objects.get_or_create(prefix=prefix)
        sequence = NumberSequence.objects.select_for_update().get(pk=sequence.pk)
        first = sequence.last_value + 1
        sequence.last_value += count
        sequence.save(update_fields=["last_value"])
    return first


def numbers(prefix: str, first: int):
    """Record numbers from ``first`` on (taken with :func:`reserve_numbers`)."""
    value = first
    while True:
        yield f"{prefix}{value:0{WIDTH}d}"
        value += 1


def strides() -> dict:
    """The most rows of each table one incident can need, so batches written in parallel
    get id ranges that cannot overlap (unused ids are left as gaps)."""
    from incidents.bulkgen.build import WATCHER_HISTORY

    rows = {Incident: 1, WATCHERS: 2, SlaPause: 3, SlaEvent: 4, IncidentComment: 4}
    for model in (SlaPause, SlaEvent, IncidentComment):
        rows[model.history.model] = 2 * rows[model]
    rows[Incident.history.model] = rows[WATCHER_HISTORY] = 60
    return rows


def batch_ids(bases: dict, index: int, size: int):
    """The id range of batch ``index`` of ``size`` incidents in every table."""
    from incidents.bulkgen.build import Ids

    widths = {model: stride * size for model, stride in strides().items()}
    starts = {model: bases[model] + index * width for model, width in widths.items()}
    return Ids(starts, {model: starts[model] + widths[model] for model in starts})


def write_rows(model, rows: list[dict]) -> None:
    if not rows:
        return
    fields = model._meta.concrete_fields
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(model._meta.db_table),
                sql.SQL(", ").join(sql.Identifier(field.column) for field in fields),
            )
            names = [field.attname for field in fields]
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row([row[name] for name in names])
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})",  # noqa: S608
            [
                [field.get_db_prep_save(row[field.attname], connection) for field in fields]
                for row in rows
            ],
        )


def write_all(rows_by_model: dict, *, reset: bool = True) -> None:
    """Store the rows; with ``reset`` the tables' id sequences then continue after them."""
    for model in tables():
        write_rows(model, rows_by_model.get(model, []))
    if reset:
        reset_sequences()


def reset_sequences() -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), tables())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def analyze() -> None:
    """Fresh planner statistics and visibility map, as autovacuum would leave them."""
    if connection.vendor != "postgresql":
        return
    # VACUUM (which sets the visibility map) cannot run inside a transaction.
    command = sql.SQL("ANALYZE {}" if connection.in_atomic_block else "VACUUM ANALYZE {}")
    with connection.cursor() as cursor:
        for model in tables():
            cursor.execute(command.format(sql.Identifier(model._meta.db_table)))
