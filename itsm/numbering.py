"""Human record numbers (INC0000001) handed out without races."""

from django.db import IntegrityError, connection, transaction

from itsm.models import NumberSequence

WIDTH = 7


def _increment(prefix: str) -> int | None:
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_value = last_value + 1 "  # noqa: S608 (table name only)
            "WHERE prefix = %s RETURNING last_value",
            [prefix],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def allocate_number(prefix: str) -> str:
    """The next number for ``prefix``, in one statement.

    The UPDATE takes the row's lock, so concurrent callers queue, and because the lock is
    held until the caller's transaction ends, a rolled-back create gives its number back.
    """
    value = _increment(prefix)
    if value is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(prefix=prefix)
        except IntegrityError:
            pass  # another transaction created it first
        value = _increment(prefix)
    return f"{prefix}{value:0{WIDTH}d}"
