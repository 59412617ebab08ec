"""Query budgets: the count for a page must not grow with its rows."""

from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def count_queries():
    """Yield a context whose ``len()`` is the number of queries run inside it."""
    with CaptureQueriesContext(connection) as context:
        yield context


def queries_for(func) -> int:
    with count_queries() as context:
        func()
    return len(context)


def assert_constant_queries(make_rows, request, *, small: int = 3, large: int = 30) -> int:
    """Run ``request()`` after ``make_rows(small)`` and after more rows; counts must match.

    Returns the count, so a test can also pin it to a budget.
    """
    make_rows(small)
    first = queries_for(request)
    make_rows(large - small)
    second = queries_for(request)
    assert first == second, f"query count grew with rows: {first} -> {second}"
    return second
