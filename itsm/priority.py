"""Priority from impact and urgency, read from the admin-editable matrix."""

from itsm.choices import Level
from itsm.models import PriorityMatrixCell

# The ITIL default, used to seed the matrix and as a fallback if a cell was deleted.
DEFAULT_MATRIX = {
    (Level.HIGH, Level.HIGH): 1,
    (Level.HIGH, Level.MEDIUM): 2,
    (Level.HIGH, Level.LOW): 3,
    (Level.MEDIUM, Level.HIGH): 2,
    (Level.MEDIUM, Level.MEDIUM): 3,
    (Level.MEDIUM, Level.LOW): 4,
    (Level.LOW, Level.HIGH): 3,
    (Level.LOW, Level.MEDIUM): 4,
    (Level.LOW, Level.LOW): 5,
}


def compute_priority(*, impact: str, urgency: str) -> int:
    """P1..P5 for an impact and urgency (each high, medium or low)."""
    if impact not in Level.values or urgency not in Level.values:
        raise ValueError(f"Unknown impact/urgency: {impact!r}, {urgency!r}")
    cell = PriorityMatrixCell.objects.filter(impact=impact, urgency=urgency).first()
    return cell.priority if cell else DEFAULT_MATRIX[(Level(impact), Level(urgency))]
