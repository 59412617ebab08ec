"""Keyset (cursor) pagination: the page after a row costs the same wherever the row is.

A page is asked for by the sort key of the row it starts after, not by an offset, so the
database reads the page from the index that matches the order instead of counting past
every earlier row. The API and the portal lists share this; the cursor is an opaque
string that carries the key, the direction and the order it belongs to.

The queryset's ordering must end in a unique column (the primary key is added if it is
missing). Nullable columns sort with NULL after every value, on every database.
"""

import base64
import binascii
import datetime
import decimal
import json
import uuid
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import F, Q
from django.db.models.expressions import OrderBy
from django.db.models.lookups import Exact

from itsm.selectors import AnyOf

NEXT, PREVIOUS = "n", "p"


class InvalidCursor(ValueError):
    """The cursor was not made by this module for this ordering."""


@dataclass(frozen=True)
class Term:
    field: object
    descending: bool

    @property
    def name(self) -> str:
        return self.field.attname

    def reversed(self) -> "Term":
        return Term(self.field, not self.descending)

    def expression(self) -> OrderBy:
        # Nullable columns put NULL last ascending and first descending, as PostgreSQL
        # does by default, so its indexes still serve both directions.
        if not self.field.null:
            return F(self.name).desc() if self.descending else F(self.name).asc()
        if self.descending:
            return F(self.name).desc(nulls_first=True)
        return F(self.name).asc(nulls_last=True)

    def equal(self, value) -> Q:
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})

    def after(self, value) -> Q | None:
        """Rows strictly after ``value`` in this term's direction (NULL is the largest)."""
        if self.descending:
            if value is None:
                return Q(**{f"{self.name}__isnull": False})
            return Q(**{f"{self.name}__lt": value})
        if value is None:
            return None
        after = Q(**{f"{self.name}__gt": value})
        return after | Q(**{f"{self.name}__isnull": True}) if self.field.null else after


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None


def ordering_terms(queryset) -> list[Term]:
    """The queryset's order as terms, up to and including the first unique column."""
    opts = queryset.model._meta
    terms = []
    for item in queryset.query.order_by or opts.ordering:
        if isinstance(item, str):
            descending, name = item.startswith("-"), item.lstrip("-")
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            descending, name = item.descending, item.expression.name
        else:
            raise ValueError(f"Keyset pagination cannot order by {item!r}.")
        try:
            field = opts.pk if name == "pk" else opts.get_field(name)
        except FieldDoesNotExist:
            raise ValueError(
                f"Keyset pagination needs a column of the model, not {name!r}."
            ) from None
        if field.is_relation and not field.concrete:
            raise ValueError(f"Keyset pagination cannot order by the relation {name!r}.")
        terms.append(Term(field, descending))
        if field.primary_key or (field.unique and not field.null):
            return terms
    return [*terms, Term(opts.pk, True)]


def _after(terms: list[Term], key: list) -> Q:
    """Rows after ``key``: the first term after it, or equal on it and after on the next..."""
    condition, equal = None, Q()
    for term, value in zip(terms, key, strict=True):
        after = term.after(value)
        if after is not None:
            branch = equal & after
            condition = branch if condition is None else condition | branch
        equal &= term.equal(value)
    if condition is None:
        return Q(pk__in=[])
    first, value = terms[0], key[0]
    if not first.field.null and value is not None:
        # Redundant, but a plain range on the leading column lets the index start there.
        bound = "lte" if first.descending else "gte"
        condition &= Q(**{f"{first.name}__{bound}": value})
    return condition


def _encode_value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _signature(terms: list[Term]) -> str:
    return ",".join(("-" if t.descending else "") + t.name for t in terms)


def encode_cursor(terms: list[Term], row, direction: str) -> str:
    key = [_encode_value(getattr(row, term.name)) for term in terms]
    payload = json.dumps({"o": _signature(terms), "d": direction, "k": key}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(terms: list[Term], cursor: str) -> tuple[str, list]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        direction, key = payload["d"], payload["k"]
        if payload["o"] != _signature(terms) or direction not in (NEXT, PREVIOUS):
            raise InvalidCursor("This cursor belongs to another ordering.")
        if not isinstance(key, list) or len(key) != len(terms):
            raise InvalidCursor("Malformed cursor.")
        values = [
            None if value is None else term.field.to_python(value)
            for term, value in zip(terms, key, strict=True)
        ]
    except (binascii.Error, UnicodeError, ValueError, KeyError, TypeError, ValidationError):
        raise InvalidCursor("Malformed cursor.") from None
    return direction, values


def keyset_page(queryset, *, size: int, cursor: str | None = None) -> KeysetPage:
    """The ``size`` rows after (or, for a previous-page cursor, before) the cursor's row.

    Raises :class:`InvalidCursor` for a cursor this ordering did not produce.
    """
    terms = ordering_terms(queryset)
    direction, key = (NEXT, None) if not cursor else decode_cursor(terms, cursor)
    walk = terms if direction == NEXT else [term.reversed() for term in terms]
    rows = queryset.order_by(*(term.expression() for term in walk))
    if key is not None:
        rows = rows.filter(_after(walk, key))
    rows = list(first_rows(rows, size + 1))
    more = len(rows) > size
    rows = rows[:size]
    if direction == PREVIOUS:
        rows.reverse()
    has_next = more if direction == NEXT else True
    has_previous = key is not None if direction == NEXT else more
    return KeysetPage(
        rows=rows,
        next_cursor=encode_cursor(terms, rows[-1], NEXT) if rows and has_next else None,
        previous_cursor=encode_cursor(terms, rows[0], PREVIOUS) if rows and has_previous else None,
    )


def first_rows(queryset, count: int):
    """The first ``count`` rows of ``queryset`` in its order.

    A queryset scoped by :class:`~itsm.selectors.AnyOf` is read branch by branch: each
    branch takes its own first ``count`` rows (with the queryset's other filters and
    order, so from its own index), and the outer query keeps the first ``count`` of the
    at most ``count`` times the number of branches rows found, by primary key. Nothing
    reads all the rows of a branch, so the cost does not grow with them.
    """
    rest, scope = split_scope(queryset)
    if scope is None:
        return queryset[:count]
    order = queryset.query.order_by
    tops = [rest.filter(branch).order_by(*order).values("pk")[:count] for branch in scope.branches]
    return rest.filter(pk__in=_union(rest, tops))[:count]


def bounded_count(queryset, most: int) -> int:
    """The number of rows of ``queryset``, counted up to ``most + 1`` and no further.

    An :class:`~itsm.selectors.AnyOf` scope is counted branch by branch, each stopping
    after ``most + 1`` rows: their union holds more than ``most`` rows exactly when the
    queryset does. The branches are read in the model's default order, which their
    indexes end in: unordered, PostgreSQL prefers a bitmap scan, which reads every entry
    of the branch before the limit applies.
    """
    rest, scope = split_scope(queryset.order_by())
    if scope is None:
        # Kept in the list's order, the bounded count reads the list's own index.
        return min(queryset[: most + 1].count(), most + 1)
    order = rest.model._meta.ordering
    tops = [
        rest.filter(branch).order_by(*order).values("pk")[: most + 1] for branch in scope.branches
    ]
    return min(_union(rest, tops).count(), most + 1)


def split_scope(queryset):
    """``(the queryset without its AnyOf scope, the scope)``, or ``(queryset, None)``.

    Only a scope ANDed with the other conditions of a plain query is split off: one with
    joins (which could repeat a row within a branch), grouping, DISTINCT or a slice is
    read as it is.
    """
    query = queryset.query
    where = query.where
    plain = not (query.group_by or query.distinct or query.combinator or query.is_sliced)
    if len(query.alias_map) > 1 or not plain or where.connector != "AND" or where.negated:
        return queryset, None
    for index, child in enumerate(where.children):
        if isinstance(child, Exact) and isinstance(child.lhs, AnyOf) and child.rhs is True:
            rest = queryset._chain()
            del rest.query.where.children[index]
            return rest, child.lhs
    return queryset, None


def _union(queryset, tops: list):
    """The union of the sliced ``tops``; where the database allows no slice inside a
    UNION (SQLite), each is wrapped in ``pk IN (...)`` first."""
    if not connections[queryset.db].features.supports_slicing_ordering_in_compound:
        rows = queryset.model._base_manager.order_by()
        tops = [rows.filter(pk__in=top).values("pk") for top in tops]
    first, *rest = tops
    return first.union(*rest) if rest else first
