"""The change risk questionnaire and the deterministic rule that turns answers into a level.

Pure functions: the same answers always give the same score, level and rule, so a change
stores all three and anyone can see why its risk is what it is.
"""

from dataclasses import dataclass

from changes.choices import Risk

CRITICALITY_POINTS = {"low": 0, "medium": 1, "high": 2, "critical": 3}
QUESTIONS = (
    "services_affected",
    "users_affected",
    "ci_criticality",
    "outage_needed",
    "backout_tested",
    "failed_changes_90d",
)
MEDIUM_FROM = 4
HIGH_FROM = 7


@dataclass(frozen=True)
class Assessment:
    level: str
    score: int
    rule: str


def _band(value: int, steps: tuple[int, int]) -> int:
    """0 below the first step, 1 below the second, 2 from it."""
    return 0 if value < steps[0] else 1 if value < steps[1] else 2


def score_of(answers: dict) -> int:
    """The questionnaire's points (0 to 13)."""
    return (
        _band(int(answers.get("services_affected") or 0), (2, 4))
        + _band(int(answers.get("users_affected") or 0), (100, 1000))
        + CRITICALITY_POINTS.get(answers.get("ci_criticality") or "low", 0)
        + (2 if answers.get("outage_needed") else 0)
        + (0 if answers.get("backout_tested") else 2)
        + _band(int(answers.get("failed_changes_90d") or 0), (1, 2))
    )


def assess(answers: dict) -> Assessment:
    """The risk level of a change from its questionnaire answers, with the rule applied."""
    score = score_of(answers)
    if answers.get("ci_criticality") == "critical" and answers.get("outage_needed"):
        return Assessment(Risk.HIGH, score, "an outage of a critical configuration item: high")
    if int(answers.get("failed_changes_90d") or 0) >= 2:
        return Assessment(
            Risk.HIGH, score, "two or more failed changes on these items in 90 days: high"
        )
    if score >= HIGH_FROM:
        return Assessment(Risk.HIGH, score, f"score {score} (from {HIGH_FROM}: high)")
    if score >= MEDIUM_FROM:
        return Assessment(
            Risk.MEDIUM, score, f"score {score} ({MEDIUM_FROM} to {HIGH_FROM - 1}: medium)"
        )
    return Assessment(Risk.LOW, score, f"score {score} (below {MEDIUM_FROM}: low)")
