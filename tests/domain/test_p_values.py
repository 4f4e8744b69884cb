"""A p-value is never shown as "p = 0.000": one that rounds to zero reads "p < 0.001"."""

from __future__ import annotations

import pytest

from lodestar.domain.numbers import p_value_text
from lodestar.reports.effect_view import _cell, _check_value, _stored_p_values


@pytest.mark.parametrize(
    ("p", "decimals", "text"),
    [
        (0.079, 3, "p = 0.079"),
        (0.001, 3, "p = 0.001"),
        (0.0004, 3, "p < 0.001"),
        (0.0, 3, "p < 0.001"),
        (0.004, 2, "p < 0.01"),
        (0.5, 2, "p = 0.50"),
    ],
)
def test_p_value_text(p: float, decimals: int, text: str) -> None:
    assert p_value_text(p, decimals) == text


def test_a_check_value_that_rounds_to_zero_reads_below_the_last_digit() -> None:
    assert _cell(1e-9) == "< 0.001"
    assert _cell(0.079) == "0.079"
    assert _check_value(0.0, "Test of a constant hazard ratio over tenure: p < 0.001.") == (
        "< 0.001"
    )
    assert _check_value(0.0, "0% of people left") == "0.000"


def test_stored_sentences_with_p_zero_are_shown_as_below() -> None:
    assert _stored_p_values("(proportional-hazards test p = 0.000), so") == (
        "(proportional-hazards test p < 0.001), so"
    )
    assert _stored_p_values("with p = 0.00. Then") == "with p < 0.01. Then"
    assert _stored_p_values("p = 0.079 and p = 0.0001") == "p = 0.079 and p = 0.0001"
