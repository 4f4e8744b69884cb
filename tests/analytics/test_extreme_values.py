"""Values far beyond a KPI's ordinary range are found (a typo, a unit error, a placeholder),
and ordinary heavy-tailed business data is left alone."""

from __future__ import annotations

import numpy as np

from lodestar.analytics.data_checks import EXTREME_IQRS, extreme_values


def test_heavy_tailed_measures_have_no_extreme_values() -> None:
    rng = np.random.default_rng(7)
    for values in (
        rng.lognormal(mean=8.0, sigma=1.0, size=500_000),  # deal sizes
        rng.poisson(3.0, size=200_000).astype(float),  # calls a week
        rng.normal(50, 10, size=200_000),
        rng.standard_t(df=3, size=200_000),
    ):
        assert extreme_values(values) is None


def test_a_typo_a_unit_error_and_a_placeholder_are_found() -> None:
    rng = np.random.default_rng(1)
    base = rng.normal(50, 10, size=10_000)
    typo = base.copy()
    typo[17] = 1e12
    found = extreme_values(typo)
    assert found is not None and found.count == 1 and found.largest == 1e12
    assert found.total == 10_000 and found.high_fence < 1e12
    placeholders = np.r_[base, [999_999.0, -999_999.0, np.nan, np.inf]]
    found = extreme_values(placeholders)
    assert found is not None and found.count == 2 and found.total == 10_002
    # The fences are EXTREME_IQRS interquartile ranges beyond the quartiles.
    q1, q3 = np.percentile(typo, [25, 75])
    assert np.isclose(extreme_values(typo).high_fence, q3 + EXTREME_IQRS * (q3 - q1))


def test_no_range_to_measure_by_means_no_verdict() -> None:
    mostly_zero = np.r_[np.zeros(1000), [5.0, 1e9]]  # the middle half is one value
    assert extreme_values(mostly_zero) is None
    assert extreme_values(np.array([1.0, 2.0, np.nan])) is None
