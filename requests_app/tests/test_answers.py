"""Answer validation: every question type, limits, conditions, and random input."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.answers import REQUIRED, raw_from_form, validate_answers, visible_keys


def q(key, kind, **extra):
    return {
        "key": key,
        "label": key,
        "help_text": "",
        "kind": kind,
        "required": extra.pop("required", False),
        "choices": extra.pop("choices", []),
        "minimum": extra.pop("minimum", None),
        "maximum": extra.pop("maximum", None),
        "pattern": extra.pop("pattern", ""),
        "condition": extra.pop("condition", None),
    }


LOOKUPS = {"user": lambda pk: pk if pk == 7 else None, "ci": lambda pk: pk if pk < 3 else None}


def check(question, value):
    clean, errors = validate_answers([question], {question["key"]: value}, LOOKUPS)
    return clean.get(question["key"]), errors.get(question["key"])


@pytest.mark.parametrize(
    ("question", "value", "clean", "error"),
    [
        (q("a", "short_text"), "  hello ", "hello", None),
        (q("a", "short_text"), "two\nlines", None, "Enter a single line."),
        (q("a", "short_text"), 5, None, "Enter text."),
        (q("a", "short_text", minimum="3"), "ab", None, "Enter at least 3 characters."),
        (q("a", "short_text", maximum="3"), "abcd", None, "Enter at most 3 characters."),
        (q("a", "short_text"), "x" * 201, None, "Enter at most 200 characters."),
        (q("a", "short_text", pattern=r"[A-Z]{2}\d+"), "AB12", "AB12", None),
        (q("a", "short_text", pattern=r"[A-Z]{2}\d+"), "ab12", None, "not in the expected format"),
        (q("a", "long_text"), "line\nline", "line\nline", None),
        (q("a", "long_text"), "x" * 5001, None, "Enter at most 5000 characters."),
        (q("a", "number"), "12", 12, None),
        (q("a", "number"), 2.5, 2.5, None),
        (q("a", "number"), "1e400", None, "Enter a number."),
        (q("a", "number"), "NaN", None, "Enter a number."),
        (q("a", "number"), True, None, "Enter a number."),
        (q("a", "number"), [1], None, "Enter a number."),
        (q("a", "number", minimum="1", maximum="5"), "0", None, "at least 1"),
        (q("a", "number", minimum="1", maximum="5"), 6, None, "at most 5"),
        (q("a", "date"), "2026-12-24", "2026-12-24", None),
        (q("a", "date"), "24/12/2026", None, "Enter a date as YYYY-MM-DD."),
        (q("a", "date"), 20261224, None, "Enter a date as YYYY-MM-DD."),
        (q("a", "yes_no"), "yes", True, None),
        (q("a", "yes_no"), "no", False, None),
        (q("a", "yes_no"), False, False, None),
        (q("a", "yes_no"), "maybe", None, "Answer yes or no."),
        (q("a", "choice", choices=["x", "y"]), "y", "y", None),
        (q("a", "choice", choices=["x", "y"]), "z", None, "Choose one of the options."),
        (q("a", "choice", choices=["x", "y"]), ["x"], None, "Choose one of the options."),
        (q("a", "multi_choice", choices=["x", "y", "z"]), ["z", "x"], ["x", "z"], None),
        (q("a", "multi_choice", choices=["x", "y"]), "x", ["x"], None),
        (q("a", "multi_choice", choices=["x", "y"]), ["x", "x"], None, "Choose each option once."),
        (q("a", "multi_choice", choices=["x", "y"]), ["w"], None, "Choose from the options."),
        (q("a", "multi_choice", choices=["x", "y"], maximum="1"), ["x", "y"], None, "at most 1"),
        (q("a", "multi_choice", choices=["x", "y"], minimum="2"), ["x"], None, "at least 2"),
        (q("a", "user"), "7", 7, None),
        (q("a", "user"), 8, None, "Choose a person."),
        (q("a", "user"), "7.0", None, "Choose a person."),
        (q("a", "user"), "٧", None, "Choose a person."),
        (q("a", "ci"), 1, 1, None),
        (q("a", "ci"), 99, None, "Choose a configuration item."),
        (q("a", "ci"), -1, None, "Choose a configuration item."),
    ],
)
def test_each_type(question, value, clean, error):
    got_clean, got_error = check(question, value)

    assert got_clean == clean
    if error is None:
        assert got_error is None
    else:
        assert error in got_error


@pytest.mark.parametrize("empty", [None, "", "   ", []])
def test_required_and_optional_empty_answers(empty):
    assert check(q("a", "short_text", required=True), empty) == (None, REQUIRED)
    assert check(q("a", "multi_choice", choices=["x"], required=True), empty) == (None, REQUIRED)
    assert check(q("a", "short_text"), empty) == (None, None)


def test_answers_to_no_question_and_a_wrong_shape_are_errors():
    assert validate_answers([q("a", "short_text")], {"b": "x"}) == (
        {},
        {"b": "Not a question of this item."},
    )
    assert validate_answers([q("a", "short_text")], ["a"])[1] == {
        "answers": "Give the answers as an object keyed by question."
    }


CONDITIONAL = [
    q("kind", "choice", choices=["laptop", "desktop"], required=True),
    q("bag", "yes_no", condition={"key": "kind", "value": "laptop"}),
    q("colour", "short_text", required=True, condition={"key": "bag", "value": "yes"}),
    q("extras", "multi_choice", choices=["mouse", "dock"]),
    q("dock_model", "short_text", required=True, condition={"key": "extras", "value": "dock"}),
]


def test_a_hidden_question_is_dropped_and_not_required():
    clean, errors = validate_answers(
        CONDITIONAL, {"kind": "desktop", "bag": "yes", "colour": "red", "dock_model": "D1"}
    )

    assert errors == {}
    assert clean == {"kind": "desktop"}


def test_a_shown_conditional_question_is_validated():
    clean, errors = validate_answers(
        CONDITIONAL, {"kind": "laptop", "bag": "yes", "extras": "dock"}
    )

    assert errors == {"colour": REQUIRED, "dock_model": REQUIRED}
    assert clean == {"kind": "laptop", "bag": True, "extras": ["dock"]}


def test_conditions_chain_through_hidden_questions():
    # bag is hidden (desktop), so colour is hidden even though the raw bag says yes.
    assert visible_keys(CONDITIONAL, {"kind": "desktop", "bag": True}) == {"kind", "extras"}
    assert "colour" in visible_keys(CONDITIONAL, {"kind": "laptop", "bag": True})


def test_an_invalid_condition_answer_hides_what_depends_on_it():
    clean, errors = validate_answers(CONDITIONAL, {"kind": "tablet", "bag": "yes"})

    assert errors == {"kind": "Choose one of the options."}
    assert clean == {}


def test_raw_from_form_reads_lists_for_multiple_choice():
    from django.http import QueryDict

    data = QueryDict("q_kind=laptop&q_extras=mouse&q_extras=dock&other=1")

    assert raw_from_form(CONDITIONAL, data) == {"kind": "laptop", "extras": ["mouse", "dock"]}


EVERY_KIND = [
    q("t", "short_text", pattern=r"\w+", maximum="10"),
    q("l", "long_text", required=True),
    q("n", "number", minimum="-5", maximum="5"),
    q("d", "date"),
    q("y", "yes_no"),
    q("c", "choice", choices=["a", "b"], condition={"key": "y", "value": "yes"}),
    q("m", "multi_choice", choices=["a", "b", "c"], maximum="2"),
    q("u", "user", condition={"key": "m", "value": "a"}),
    q("i", "ci"),
]
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from([x["key"] for x in EVERY_KIND]) | st.text(max_size=5), JSONISH)
    | JSONISH
)
def test_random_answers_validate_or_give_per_question_errors(raw):
    clean, errors = validate_answers(EVERY_KIND, raw, LOOKUPS)

    assert isinstance(clean, dict) and isinstance(errors, dict)
    assert all(isinstance(message, str) and message for message in errors.values())
    assert not set(clean) & set(errors)
    shown = visible_keys(EVERY_KIND, clean)
    assert set(clean) <= shown
    if isinstance(raw, dict) and not errors:
        # Valid answers validate again to themselves (what is stored is stable).
        assert validate_answers(EVERY_KIND, clean, LOOKUPS) == (clean, {})
