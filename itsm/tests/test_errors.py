"""The error-code registry: every refusal speaks a registered code."""

import pytest

from itsm.errors import CODES, Refused, TransitionNotAllowed


def test_a_refusal_takes_status_and_message_from_the_registry():
    refused = Refused("record_closed", number="INC0000001", state="closed")

    assert (refused.code, refused.status) == ("record_closed", 409)
    assert refused.message == "INC0000001 is closed."


def test_a_raiser_may_give_better_words_and_a_field():
    refused = TransitionNotAllowed("invalid_input", "No such user.", field="assignee")

    assert (refused.message, refused.status, refused.field) == ("No such user.", 400, "assignee")
    assert isinstance(refused, Refused)


def test_an_unregistered_code_is_a_programming_error():
    with pytest.raises(ValueError, match="Unregistered error code 'made_up'"):
        Refused("made_up")


def test_codes_are_snake_case_with_a_sensible_status():
    for code, entry in CODES.items():
        assert code.islower() and " " not in code, code
        assert entry.status in (400, 403, 409), code
