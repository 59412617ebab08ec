"""Answer validation: pure functions over question definitions (no database access).

A request stores the item's questions as they were at submission (:func:`snapshot`) and
the answers validated against them (:func:`validate_answers`). Validation never raises
on what a client sends: it returns the clean answers and one error message per question.
A question whose condition is not met is hidden: its answer is dropped, never stored, and
it is never required. People and configuration items are checked through the ``lookups``
the caller passes (``{"user": fn, "ci": fn}``, each returning the stored value or None).
"""

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from requests_app.choices import QuestionKind as K

TEXT_LIMITS = {K.SHORT_TEXT: 200, K.LONG_TEXT: 5000}
NUMBER_LIMIT = Decimal("1e12")
MAX_ID = 2**63 - 1
TRUE_WORDS = frozenset({"yes", "true", "on", "1"})
FALSE_WORDS = frozenset({"no", "false", "off", "0"})
REQUIRED = "This question needs an answer."
SHAPE = "Give the answers as an object keyed by question."

Lookups = Mapping[str, Callable[[int], object]]


class Invalid(Exception):
    """One answer is wrong; the message is for the person who gave it."""


# --- Definitions ----------------------------------------------------------------------------


def _number_or_none(value) -> str | None:
    return None if value is None else str(value)


def snapshot(questions) -> list[dict]:
    """The definitions of ``questions`` (model rows, in order) as stored with a request."""
    keys = {q.pk: q.key for q in questions}
    return [
        {
            "key": q.key,
            "label": q.label,
            "help_text": q.help_text,
            "kind": q.kind,
            "required": q.required,
            "choices": list(q.choices or []),
            "minimum": _number_or_none(q.minimum),
            "maximum": _number_or_none(q.maximum),
            "pattern": q.pattern,
            "condition": (
                {"key": keys[q.condition_question_id], "value": q.condition_value}
                if q.condition_question_id in keys
                else None
            ),
        }
        for q in questions
    ]


def definition_errors(question) -> dict[str, str]:
    """What is wrong with one question's definition (for the admin), by field."""
    errors = {}
    kind, choices = question.kind, question.choices
    if kind in (K.CHOICE, K.MULTI_CHOICE):
        if (
            not isinstance(choices, list)
            or not choices
            or not all(isinstance(c, str) and c.strip() for c in choices)
            or len(set(choices)) != len(choices)
        ):
            errors["choices"] = "List the options: distinct, non-empty texts."
    elif choices:
        errors["choices"] = "Only choice questions have options."
    if question.pattern:
        if kind != K.SHORT_TEXT:
            errors["pattern"] = "Only short text questions have a pattern."
        else:
            try:
                re.compile(question.pattern)
            except re.error as exc:
                errors["pattern"] = f"Not a regular expression: {exc}."
    low, high = question.minimum, question.maximum
    if low is not None and high is not None and low > high:
        errors["maximum"] = "The maximum must not be below the minimum."
    if (low is not None or high is not None) and kind not in (
        K.SHORT_TEXT,
        K.LONG_TEXT,
        K.NUMBER,
        K.MULTI_CHOICE,
    ):
        errors["minimum"] = "Only text, number and multiple choice questions have limits."
    errors.update(_condition_errors(question))
    return errors


def _condition_errors(question) -> dict[str, str]:
    other = question.condition_question
    if other is None:
        return (
            {"condition_value": "Say which question it depends on."}
            if (question.condition_value)
            else {}
        )
    if other.item_id != question.item_id or other.pk == question.pk:
        return {"condition_question": "Choose another question of the same item."}
    if (other.order, other.pk or 0) >= (question.order, question.pk or MAX_ID):
        return {"condition_question": "Choose a question asked before this one."}
    value = question.condition_value
    if other.kind in (K.CHOICE, K.MULTI_CHOICE) and value not in (other.choices or []):
        return {"condition_value": "Choose one of that question's options."}
    if other.kind == K.YES_NO and value not in ("yes", "no"):
        return {"condition_value": "Give yes or no."}
    if not value:
        return {"condition_value": "Give the value that shows this question."}
    return {}


# --- Answers --------------------------------------------------------------------------------


def is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


def _decimal(text) -> Decimal | None:
    return None if text is None else Decimal(str(text))


def _text(question, value) -> str:
    if not isinstance(value, str):
        raise Invalid("Enter text.")
    value = value.strip()
    kind = question["kind"]
    if kind == K.SHORT_TEXT and ("\n" in value or "\r" in value):
        raise Invalid("Enter a single line.")
    if "\x00" in value:
        raise Invalid("Enter text without control characters.")
    low, high = _decimal(question.get("minimum")), _decimal(question.get("maximum"))
    high = min(high, TEXT_LIMITS[kind]) if high is not None else TEXT_LIMITS[kind]
    if low is not None and len(value) < low:
        raise Invalid(f"Enter at least {int(low)} characters.")
    if len(value) > high:
        raise Invalid(f"Enter at most {int(high)} characters.")
    pattern = question.get("pattern")
    if pattern and kind == K.SHORT_TEXT:
        try:
            matched = re.fullmatch(pattern, value)
        except re.error:
            matched = None
        if matched is None:
            raise Invalid("This answer is not in the expected format.")
    return value


def _number(question, value) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Invalid("Enter a number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise Invalid("Enter a number.")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise Invalid("Enter a number.") from None
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise Invalid("Enter a number.")
    low, high = _decimal(question.get("minimum")), _decimal(question.get("maximum"))
    if low is not None and number < low:
        raise Invalid(f"Enter a number of at least {low.normalize():f}.")
    if high is not None and number > high:
        raise Invalid(f"Enter a number of at most {high.normalize():f}.")
    return int(number) if number == number.to_integral_value() else float(number)


def _date(question, value) -> str:
    if not isinstance(value, str):
        raise Invalid("Enter a date as YYYY-MM-DD.")
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise Invalid("Enter a date as YYYY-MM-DD.") from None


def _yes_no(question, value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise Invalid("Answer yes or no.")


def _choice(question, value) -> str:
    if not isinstance(value, str) or value not in question.get("choices", []):
        raise Invalid("Choose one of the options.")
    return value


def _multi_choice(question, value) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple):
        raise Invalid("Choose from the options.")
    options = question.get("choices", [])
    if not all(isinstance(v, str) and v in options for v in values):
        raise Invalid("Choose from the options.")
    if len(set(values)) != len(values):
        raise Invalid("Choose each option once.")
    low, high = _decimal(question.get("minimum")), _decimal(question.get("maximum"))
    if low is not None and len(values) < low:
        raise Invalid(f"Choose at least {int(low)}.")
    if high is not None and len(values) > high:
        raise Invalid(f"Choose at most {int(high)}.")
    return [o for o in options if o in values]


def _reference(message: str):
    def check(question, value, lookups):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise Invalid(message)
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_ID:
            raise Invalid(message)
        found = lookups[question["kind"]](int(text)) if question["kind"] in lookups else None
        if found is None:
            raise Invalid(message)
        return found

    return check


CHECKS = {
    K.SHORT_TEXT: _text,
    K.LONG_TEXT: _text,
    K.NUMBER: _number,
    K.DATE: _date,
    K.YES_NO: _yes_no,
    K.CHOICE: _choice,
    K.MULTI_CHOICE: _multi_choice,
}
REFERENCES = {
    K.USER: _reference("Choose a person."),
    K.CONFIGURATION_ITEM: _reference("Choose a configuration item."),
}


def _shows(question, clean: Mapping) -> bool:
    condition = question.get("condition")
    if not condition:
        return True
    answer = clean.get(condition["key"])
    if isinstance(answer, bool):
        answer = "yes" if answer else "no"
    if isinstance(answer, list):
        return condition["value"] in answer
    return answer is not None and str(answer) == condition["value"]


def visible_keys(questions: list[dict], clean: Mapping) -> set[str]:
    """The questions shown given the (clean) answers: conditions follow earlier answers."""
    shown = set()
    for question in questions:
        condition = question.get("condition")
        if condition and condition["key"] not in shown:
            continue
        if _shows(question, clean):
            shown.add(question["key"])
    return shown


def validate_answers(
    questions: list[dict], raw, lookups: Lookups | None = None
) -> tuple[dict, dict[str, str]]:
    """Check ``raw`` against ``questions``; return (clean answers, errors by question key).

    Errors are empty exactly when every shown question's answer is valid; hidden questions'
    answers are dropped; answers to no question are errors under their own key.
    """
    if not isinstance(raw, Mapping):
        return {}, {"answers": SHAPE}
    lookups = lookups or {}
    known = {q["key"] for q in questions}
    errors = {str(key)[:40]: "Not a question of this item." for key in raw if key not in known}
    clean: dict = {}
    shown: set[str] = set()
    for question in questions:
        key = question["key"]
        condition = question.get("condition")
        if condition and (condition["key"] not in shown or not _shows(question, clean)):
            continue
        shown.add(key)
        value = raw.get(key)
        if is_empty(value):
            if question.get("required"):
                errors[key] = REQUIRED
            continue
        try:
            if question["kind"] in REFERENCES:
                clean[key] = REFERENCES[question["kind"]](question, value, lookups)
            else:
                clean[key] = CHECKS[question["kind"]](question, value)
        except Invalid as invalid:
            errors[key] = str(invalid)
    return clean, errors


def raw_from_form(questions: list[dict], data) -> dict:
    """The answers of a submitted HTML form (a ``QueryDict``), keyed by question."""
    raw = {}
    for question in questions:
        name = f"q_{question['key']}"
        if question["kind"] == K.MULTI_CHOICE:
            values = data.getlist(name)
            if values:
                raw[question["key"]] = values
        elif name in data:
            raw[question["key"]] = data.get(name)
    return raw
