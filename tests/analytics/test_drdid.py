"""Doubly robust DiD (Sant'Anna & Zhao 2020) against R6: NSW 'treated' vs CPS, true effect zero.

Reference values: R ``DRDID`` package documentation (eval_lalonde_cps), reproduced by
``moderndid``'s drdid/ordid/ipwdid; values and tolerance in tests/reference/values.toml (R6).
"""

from __future__ import annotations

import pandas as pd
import pytest
from tests.reference import tolerance, values

from lodestar.analytics.estimators.drdid import estimate_drdid
from lodestar.errors import InvalidInput

R6 = values("R6")
COVARIATES = ["age", "educ", "black", "married", "nodegree", "hisp", "re74"]


@pytest.fixture(scope="module")
def nsw() -> pd.DataFrame:
    import moderndid

    return moderndid.load_nsw().to_pandas()


@pytest.mark.parametrize("method", list(R6))
def test_r6_reference_values(nsw: pd.DataFrame, method: str) -> None:
    r = estimate_drdid(
        nsw,
        outcome="re",
        treatment="experimental",
        unit="id",
        time="year",
        covariates=COVARIATES,
        method=method,  # type: ignore[arg-type]
    )
    assert r.estimate == pytest.approx(R6[method], abs=tolerance("R6"))
    assert r.n_treated == 425


def test_r6_is_never_shown_without_its_warnings(nsw: pd.DataFrame) -> None:
    """The truth is zero, the estimate is 'significant': diagnostics must expose it."""
    r = estimate_drdid(
        nsw,
        outcome="re",
        treatment="experimental",
        unit="id",
        time="year",
        covariates=COVARIATES,
    )
    assert r.p_value is not None and r.p_value < 0.05 and not r.interval_includes_zero
    names = {d.name: d for d in r.diagnostics}
    assert names["overlap"].passed is False  # effective comparison sample < 10%
    assert names["pre_trends"].passed is None  # untestable with two periods, said so
    assert any("observational comparison" in w for w in r.warnings)
    assert any("Poor overlap" in w for w in r.warnings)
    assert any("could not be tested" in w for w in r.warnings)


def test_bad_method_and_periods(nsw: pd.DataFrame) -> None:
    kw = dict(outcome="re", treatment="experimental", unit="id", time="year", covariates=COVARIATES)
    with pytest.raises(InvalidInput, match="Choose one of"):
        estimate_drdid(nsw, method="magic", **kw)  # type: ignore[arg-type]
    three = pd.concat([nsw, nsw[nsw["year"] == 1978].assign(year=1980)])
    with pytest.raises(InvalidInput, match="exactly two periods"):
        estimate_drdid(three, **kw)
