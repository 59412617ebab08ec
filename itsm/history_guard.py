"""History rows are append-only in the database itself (SECURITY.md T37).

On PostgreSQL a trigger on every historical table refuses DELETE and any UPDATE, except
the one Django itself makes when a user is deleted: setting ``history_user_id`` to NULL.
So even code or a person with the application's database login cannot rewrite the
audit trail. Installed after every migrate on every historical table simple-history
created, whatever app it is in, so a new record type is covered without being listed.
"""

from django.apps import apps
from django.db import connection
from simple_history.models import HistoricalChanges

FUNCTION = """
CREATE OR REPLACE FUNCTION itsm_history_append_only() RETURNS trigger AS $$
DECLARE
    new_row jsonb;
    old_row jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'history is append-only: % rows cannot be deleted', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    new_row := to_jsonb(NEW);
    old_row := to_jsonb(OLD);
    IF (new_row - 'history_user_id') IS DISTINCT FROM (old_row - 'history_user_id')
       OR (new_row ->> 'history_user_id') IS NOT NULL
          AND (new_row -> 'history_user_id') IS DISTINCT FROM (old_row -> 'history_user_id')
    THEN
        RAISE EXCEPTION 'history is append-only: % rows cannot be changed', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""

TRIGGER = """
CREATE OR REPLACE TRIGGER itsm_history_append_only
BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION itsm_history_append_only()
"""


def history_tables() -> list[str]:
    """Every table simple-history writes to: models' and many-to-many fields' history."""
    return sorted(
        model._meta.db_table for model in apps.get_models() if issubclass(model, HistoricalChanges)
    )


def install_history_guards() -> None:
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        for table in history_tables():
            if table in existing:
                cursor.execute(TRIGGER.format(table=connection.ops.quote_name(table)))
