"""Read PostgreSQL plans of the queries a page runs: the list-plan tests and the bench."""

import json

from django.db import connection


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
