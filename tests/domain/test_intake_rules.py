"""The completeness rule and the workflow, without a database."""

import pytest

from lodestar.domain.intake import FIELD_NAMES, MIN_ANSWER_CHARS, missing_fields, missing_message
from lodestar.domain.options import check_option
from lodestar.domain.workflow import TRANSITIONS, check_transition, needs_reason
from lodestar.errors import IllegalTransition, InvalidInput

COMPLETE = {name: f"A full answer for {name}." for name in FIELD_NAMES}


def test_complete_request_has_nothing_missing():
    assert missing_fields(COMPLETE) == []


def test_blank_and_too_short_fields_are_listed_in_form_order_with_reasons():
    answers = dict(COMPLETE, business_objective="   ", cost_of_inaction="a lot")
    missing = missing_fields(answers)
    assert [m.name for m in missing] == ["business_objective", "cost_of_inaction"]
    assert "is empty" in missing[0].why
    assert f"at least {MIN_ANSWER_CHARS} characters" in missing[1].why
    assert all(m.why.endswith(".") for m in missing)


def test_missing_message_names_every_field():
    missing = missing_fields({})
    message = missing_message(missing)
    assert "5 fields need an answer" in message
    for m in missing:
        assert m.label.lower() in message


def test_legal_and_illegal_transitions():
    check_transition("submitted", "in_diagnosis")
    with pytest.raises(IllegalTransition) as err:
        check_transition("draft", "accepted")
    assert "cannot move from 'Draft'" in err.value.message
    assert "'Submitted'" in err.value.message  # says what is possible instead


def test_final_states_say_so():
    with pytest.raises(IllegalTransition) as err:
        check_transition("scaled", "pilot")
    assert "final state" in err.value.message


def test_every_transition_target_is_a_known_state():
    for source, targets in TRANSITIONS.items():
        assert source in TRANSITIONS
        for t in targets:
            assert t in TRANSITIONS


def test_decisions_that_close_or_return_need_reasons():
    assert needs_reason("declined") and needs_reason("needs_information")
    assert not needs_reason("in_diagnosis")


def test_option_check_lists_allowed_values():
    with pytest.raises(InvalidInput) as err:
        check_option("sometimes", ("low", "high"), "urgency")
    assert "'low', 'high'" in err.value.message
