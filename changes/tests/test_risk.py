"""The risk rule is deterministic and says which rule produced the level."""

import pytest

from changes.risk import assess, score_of

QUIET = {
    "services_affected": 1,
    "users_affected": 10,
    "ci_criticality": "low",
    "outage_needed": False,
    "backout_tested": True,
    "failed_changes_90d": 0,
}


def test_a_small_tested_change_is_low():
    result = assess(QUIET)
    assert (result.level, result.score) == ("low", 0)
    assert "below 4" in result.rule


@pytest.mark.parametrize(
    ("changes", "level", "score"),
    [
        ({"outage_needed": True, "backout_tested": False}, "medium", 4),
        ({"services_affected": 3, "users_affected": 500, "ci_criticality": "medium"}, "low", 3),
        ({"services_affected": 4, "users_affected": 5000, "outage_needed": True}, "medium", 6),
        (
            {
                "services_affected": 4,
                "users_affected": 5000,
                "outage_needed": True,
                "ci_criticality": "medium",
            },
            "high",
            7,
        ),
        ({"ci_criticality": "critical", "outage_needed": True}, "high", 5),
        ({"failed_changes_90d": 2}, "high", 2),
    ],
)
def test_levels_from_answers(changes, level, score):
    result = assess({**QUIET, **changes})
    assert (result.level, result.score) == (level, score)
    assert result.rule


def test_the_same_answers_always_give_the_same_assessment():
    answers = {**QUIET, "outage_needed": True, "failed_changes_90d": 1}
    assert assess(answers) == assess(dict(answers))
    assert score_of(answers) == 3


def test_missing_answers_count_as_the_cautious_default():
    # An unanswered "backout tested" counts as untested.
    assert assess({}).score == 2
