"""Validators shared by every record type."""

import re

from django.core.exceptions import ValidationError

# C0 and C1 control characters (CR, LF, TAB, NUL, ESC, NEL...) and the Unicode line and
# paragraph separators: anything that breaks a line or is invisible on it.
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAKING_RUNS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def validate_single_line(value: str) -> None:
    """Titles are one line: a line break would split an e-mail header or a CSV row."""
    if _LINE_BREAKING.search(value or ""):
        raise ValidationError(
            "Write this on one line, without line breaks, tabs or other control characters.",
            code="single_line",
        )


def single_line(text: str) -> str:
    """``text`` with each run of control characters or line breaks turned into a space."""
    return _LINE_BREAKING_RUNS.sub(" ", text or "").strip()
