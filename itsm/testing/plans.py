"""Read PostgreSQL plans of the queries a page runs: the list-plan tests and the bench."""

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def explain(sql: str, params=()) -> dict:
    """EXPLAIN ANALYZE of ``sql`` (a captured SELECT, or one with ``params``), as JSON.

    It runs the query: use it on reads only.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params or None)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]


def explain_text(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def queries_on(table: str, captured) -> list[str]:
    """The SELECTs among ``captured`` (CaptureQueriesContext entries) that read ``table``."""
    return [
        query["sql"]
        for query in captured
        if query["sql"].startswith("SELECT")
        and f'"{table}"' in query["sql"]
        and "FOR UPDATE" not in query["sql"]
    ]


def full_table_work(node: dict, *, table: str, rows: int) -> list[str]:
    """What in an EXPLAIN ANALYZE plan read or sorted a large part of ``table``.

    Flagged: any sequential scan of the table, and any scan or sort that handled a
    quarter of its ``rows`` or more (rows returned plus rows its filter threw away, over
    all loops). Actual figures, not estimates: a planner that guessed wrong still fails.
    """
    kind = node["Node Type"]
    found = []
    loops = node.get("Actual Loops", 1)
    if node.get("Relation Name") == table:
        read = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * loops
        if kind == "Seq Scan":
            found.append(f"sequential scan of {table} ({read} rows)")
        elif read >= rows / 4:
            found.append(f"{kind} on {node.get('Index Name')} read {read} rows")
    if kind in ("Sort", "Incremental Sort"):
        sorted_rows = node["Plans"][0]["Actual Rows"] * node["Plans"][0].get("Actual Loops", 1)
        if sorted_rows >= rows / 4:
            found.append(f"sort of {sorted_rows} rows by {', '.join(node['Sort Key'])}")
    for child in node.get("Plans", []):
        found += full_table_work(child, table=table, rows=rows)
    return found


def work_over(node: dict, *, most: int) -> list[str]:
    """What in an EXPLAIN ANALYZE plan handled more than ``most`` rows (rows returned plus
    rows its filter threw away, over all loops): for a list whose every query should stop
    after a page, however many rows match."""
    loops = node.get("Actual Loops", 1)
    handled = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * loops
    found = []
    if handled > most:
        what = node.get("Index Name") or node.get("Relation Name") or ""
        found.append(f"{node['Node Type']} {what} handled {handled} rows".replace("  ", " "))
    for child in node.get("Plans", []):
        found += work_over(child, most=most)
    return found


def multiply(
    model,
    copies: int,
    *,
    unique=("number",),
    shifted=("created_at", "updated_at"),
    offset=(),
    values: dict[str, str] | None = None,
):
    """Copy every row of ``model``'s table ``copies`` more times in one statement, then ANALYZE.

    Each copy ``k`` suffixes the ``unique`` text columns with ``-k``, adds ``k`` to the
    ``offset`` integer columns (for a unique constraint over numbers) and moves the
    ``shifted`` times ``k`` months back, so the planner weighs a table of real size with
    real spreads (PostgreSQL only). ``values`` gives other fields an SQL expression of
    their own (``{"state": "'approved'"}``; ``k`` is the copy's number).
    """
    values_of = values or {}
    table = model._meta.db_table
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        column = connection.ops.quote_name(field.column)
        columns.append(column)
        if field.name in values_of:
            expressions.append(values_of[field.name])
        elif field.name in unique:
            expressions.append(f"{column} || '-' || k")
        elif field.name in offset:
            expressions.append(f"{column} + k")
        elif field.name in shifted:
            expressions.append(f"{column} - k * interval '30 days'")
        else:
            expressions.append(column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - our own column names
            f"SELECT {', '.join(expressions)} FROM {table}, generate_series(1, %s) AS k",
            [copies],
        )
        cursor.execute(f"ANALYZE {table}")


def list_plan_failures(pages: dict, *, table: str, rows: int, most: int | None = None) -> dict:
    """For each page ``{name: (user, url)}``: the full-table work of its queries on ``table``
    and, with ``most``, any step of them that handled more than ``most`` rows.

    A page that runs no query on the table is a failure too (the check would be empty).
    """
    failures = {}
    for name, (user, url) in pages.items():
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        if status != 200:
            failures[name] = [f"status {status}"]
            continue
        queries = queries_on(table, captured.captured_queries)
        if not queries:
            failures[name] = [f"no query on {table}"]
        for sql in queries:
            plan = explain(sql)["Plan"]
            found = full_table_work(plan, table=table, rows=rows)
            if most is not None:
                found += work_over(plan, most=most)
            if found:
                failures.setdefault(name, []).append([found, sql[:200]])
    return failures
