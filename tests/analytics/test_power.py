"""Power and MDE: R9 reference values (statsmodels conventions; tests/reference/values.toml)
and the MDE formula 2.80 x sigma x sqrt(1/n1 + 1/n0) x sqrt(1 - R^2) x sqrt(DEFF)."""

from __future__ import annotations

import math

import pytest
from tests.reference import tolerance, values

from lodestar.analytics.power import (
    design_effect,
    mde,
    mde_standardised,
    n_per_arm,
    n_per_arm_proportions,
)
from lodestar.errors import InvalidInput

R9, REL = values("R9"), tolerance("R9", "rel")


def test_r9_n_per_arm_for_d_02() -> None:
    assert n_per_arm(0.2) == pytest.approx(R9["n_per_arm_d02"], rel=REL)


def test_r9_mde_for_40_vs_40() -> None:
    assert mde_standardised(40, 40) == pytest.approx(R9["mde_d_40_vs_40"], rel=REL)


def test_r9_twenty_to_twenty_five_percent_conversion() -> None:
    n = n_per_arm_proportions(0.20, 0.25)
    assert n == pytest.approx(R9["n_per_arm_20_to_25"], rel=REL)
    assert math.ceil(n) == R9["n_per_arm_20_to_25"]


def test_n_and_mde_are_inverse() -> None:
    n = n_per_arm(0.35)
    assert mde_standardised(n, n) == pytest.approx(0.35, rel=1e-5)


def test_mde_formula_matches_reference_multiplier() -> None:
    # 2.80 x sigma x sqrt(1/n1 + 1/n0): sigma 10, 100 vs 100
    expected = 2.8016 * 10 * math.sqrt(2 / 100)
    assert mde(10, 100, 100) == pytest.approx(expected, rel=1e-4)


def test_mde_covariates_and_team_assignment() -> None:
    base = mde(10, 100, 100)
    assert mde(10, 100, 100, r2=0.5) == pytest.approx(base * math.sqrt(0.5))
    assert design_effect(11, 0.05) == pytest.approx(1.5)
    assert mde(10, 100, 100, m=11, icc=0.05) == pytest.approx(base * math.sqrt(1.5))


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: n_per_arm(0), "non-zero"),
        (lambda: n_per_arm(0.2, power=1.2), "power"),
        (lambda: mde_standardised(1, 40), "at least two"),
        (lambda: n_per_arm_proportions(0.2, 0.2), "no change"),
        (lambda: n_per_arm_proportions(0.0, 0.2), "strictly between"),
        (lambda: mde(10, 100, 100, r2=1.0), "R²"),
        (lambda: design_effect(10, 1.5), "intra-class"),
        (lambda: mde(-1, 100, 100), "standard deviation"),
    ],
)
def test_bad_inputs_are_refused_in_words(call: object, fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        call()  # type: ignore[operator]
