"""The skills arithmetic: gaps never below zero, their weight, the current level's source,
the self-rating bias, and build / buy / borrow."""

from __future__ import annotations

import pytest

from lodestar.domain.skills import (
    DEFAULT_SCALE,
    check_importance,
    current_level,
    gap,
    gap_weight,
    recommend,
    self_rating_bias,
    weighted_gap,
)
from lodestar.errors import InvalidInput


def test_a_gap_is_target_minus_current_never_below_zero():
    assert gap(4, 2) == 2
    assert gap(3, 5) == 0
    assert gap(3, None) == 3


def test_the_weight_grows_with_importance_and_the_priorities():
    assert gap_weight(5, 0) == 1.0
    assert gap_weight(5, 1) == 2.0
    assert gap_weight(5, 10) == 4.0  # the priorities' weight is capped at 3
    assert weighted_gap(4, 1, 5, 1) == 6.0


def test_the_manager_is_trusted_before_a_quiz_before_oneself():
    assert current_level({"self": 5, "quiz": 3, "manager": 2}) == (2, "manager")
    assert current_level({"self": 5, "quiz": 3}) == (3, "quiz")
    assert current_level({}) == (None, "")


def test_self_rating_bias_is_the_mean_of_self_minus_manager():
    assert self_rating_bias([(4, 3), (3, 3)]) == 0.5
    assert self_rating_bias([]) is None


def test_build_buy_borrow():
    assert recommend(shortfall=10, internal_surplus=6, months=12) == "borrow"
    assert recommend(shortfall=10, internal_surplus=0, months=12, build_months=12) == "buy"
    assert recommend(shortfall=10, internal_surplus=0, months=24, build_months=12) == "build"


def test_levels_and_importance_are_checked_in_sentences():
    with pytest.raises(InvalidInput, match="Level 5.5 is not on the scale"):
        DEFAULT_SCALE.check(5.5)
    with pytest.raises(InvalidInput, match="1 for nice to have"):
        check_importance(0)
    assert DEFAULT_SCALE.label(3) == "Competent"
