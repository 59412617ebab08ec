"""The GiST index that serves collision checks and the calendar on PostgreSQL.

It holds each windowed change's ``tstzrange(planned_start, planned_end, '[)')`` (the
expression ``changes.schedule.window_range`` builds, so queries match it) with its
implementer (a btree_gist column); a statistics object on the expression gives the
planner its spread. Other databases get nothing: their overlap test is the plain
comparison on the ``change_window`` index.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

# The planner takes no statistics from a partial index: without the statistics object it
# guesses that 1 % of the changes overlap any window and may then read every item link
# in a hash join instead of probing the few overlapping changes' links.
CREATE = [
    """
    CREATE INDEX IF NOT EXISTS change_window_range ON changes_change
    USING gist (tstzrange(planned_start, planned_end, '[)'), implementer_id)
    WHERE planned_start IS NOT NULL AND planned_end IS NOT NULL
    """,
    """
    CREATE STATISTICS IF NOT EXISTS change_window_stats
    ON (tstzrange(planned_start, planned_end, '[)')) FROM changes_change
    """,
]
DROP = ["DROP STATISTICS IF EXISTS change_window_stats", "DROP INDEX IF EXISTS change_window_range"]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("changes", "0001_change_record")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
