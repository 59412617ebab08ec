"""SECURITY.md T37: the database refuses to edit or delete history (PostgreSQL)."""

import pytest
from django.db import DatabaseError, connection, transaction

from incidents.tests.factories import make_incident, user
from itsm.history_guard import history_tables
from itsm.models import PriorityMatrixCell

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("database triggers are installed on PostgreSQL only")


def test_every_history_table_is_guarded():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name = 'itsm_history_append_only'"
        )
        guarded = {row[0] for row in cursor.fetchall()}
    assert "incidents_historicalincident" in history_tables()
    assert set(history_tables()) <= guarded


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE incidents_historicalincident SET title = 'rewritten' WHERE id = %s",
        "UPDATE incidents_historicalincident SET history_user_id = NULL, title = 'x' WHERE id = %s",
        "DELETE FROM incidents_historicalincident WHERE id = %s",
    ],
)
def test_history_rows_cannot_be_rewritten_or_deleted(emma, statement):
    incident = make_incident(reporter=emma, title="Original")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [incident.pk])
    row = incident.history.get()
    assert (row.title, row.history_user_id) == ("Original", emma.pk)


def test_deleting_a_user_still_works_and_keeps_their_history_rows(db):
    temp = user("temp.contractor")
    cell = PriorityMatrixCell.objects.get(impact="low", urgency="low")
    cell.priority = 4
    cell._history_user = temp
    cell.save()
    rows = cell.history.count()

    temp.delete()

    assert cell.history.count() == rows
    assert cell.history.first().history_user_id is None
