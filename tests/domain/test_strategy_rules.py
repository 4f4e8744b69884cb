"""Strategy rules and the one number formatter: plain functions, no database."""

from __future__ import annotations

import math
from datetime import date

import pytest

from lodestar.domain.numbers import decimals_for, format_number
from lodestar.domain.strategy import check_finite, check_plan_date, check_value_per_unit
from lodestar.errors import InvalidInput


def test_a_plan_date_lies_in_the_priority_horizon_or_in_the_years_a_plan_can_name() -> None:
    check_plan_date(None, "target date")
    check_plan_date(date(2027, 12, 31), "target date", (2026, 2027))
    check_plan_date(date(2045, 1, 1), "target date")
    with pytest.raises(InvalidInput, match=r"^The target date 30 June 1999 is outside the years"):
        check_plan_date(date(1999, 6, 30), "target date")
    with pytest.raises(InvalidInput, match=r"horizon of its strategic priority \(2026\)\."):
        check_plan_date(date(2028, 1, 1), "due date", (2026, 2026))


def test_money_per_unit_is_above_zero_or_unknown() -> None:
    check_value_per_unit(None)
    check_value_per_unit(0.01)
    for bad in (-500.0, 0.0, math.inf, math.nan):
        with pytest.raises(InvalidInput, match="above zero"):
            check_value_per_unit(bad)
    with pytest.raises(InvalidInput, match="ordinary number"):
        check_finite(math.inf, "baseline")


def test_the_one_number_formatter() -> None:
    assert format_number(-1234.5) == "\u22121,234.5"
    assert format_number(-0.001) == "0.0"  # rounds to zero: no sign
    assert format_number(2.0, 0, sign=True) == "+2"
    assert format_number(None) == "—" and format_number(math.nan, missing="n/a") == "n/a"
    assert decimals_for(12.3) == 0 and decimals_for(1.23) == 1 and decimals_for(0.012) == 3
