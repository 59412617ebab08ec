import pytest

from itsm.models import PriorityMatrixCell
from itsm.priority import DEFAULT_MATRIX, compute_priority

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("impact", "urgency", "expected"),
    [
        ("high", "high", 1),
        ("high", "medium", 2),
        ("high", "low", 3),
        ("medium", "high", 2),
        ("medium", "medium", 3),
        ("medium", "low", 4),
        ("low", "high", 3),
        ("low", "medium", 4),
        ("low", "low", 5),
    ],
)
def test_itil_default_matrix_seeded(impact, urgency, expected):
    assert compute_priority(impact=impact, urgency=urgency) == expected
    assert PriorityMatrixCell.objects.get(impact=impact, urgency=urgency).priority == expected


def test_matrix_is_data_an_admin_can_edit_and_it_is_audited(admin_user):
    cell = PriorityMatrixCell.objects.get(impact="low", urgency="low")
    cell.priority = 4
    cell._history_user = admin_user
    cell.save()
    assert compute_priority(impact="low", urgency="low") == 4
    latest = cell.history.first()
    assert latest.priority == 4 and latest.history_user == admin_user


def test_missing_cell_falls_back_to_itil_default():
    PriorityMatrixCell.objects.filter(impact="medium", urgency="medium").delete()
    assert compute_priority(impact="medium", urgency="medium") == 3
    assert len(DEFAULT_MATRIX) == 9


def test_unknown_levels_rejected():
    with pytest.raises(ValueError):
        compute_priority(impact="huge", urgency="high")
