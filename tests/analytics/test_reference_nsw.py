"""R1 and R2: the NSW experimental sample (Dehejia & Wahba 1999 subset of LaLonde 1986).

Reference values and tolerance: tests/reference/values.toml, R1 and R2 (Dehejia–Wahba Table 3,
note a; recomputed by tests/reference/scripts/nsw_statsmodels.py).
The data is loaded from the ``causaldata`` package (bundled, works offline); its float32 and
int8 columns are cast to float64 first (age² overflows int8).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.reference import tolerance, values

from lodestar.analytics.estimate import estimate_effect
from lodestar.analytics.estimators.randomised import estimate_randomised

COVARIATES = ["age", "age_sq", "educ", "nodegree", "black", "hisp", "re74", "re75"]
R1, R2, TOL = values("R1"), values("R2"), tolerance("R1")


@pytest.fixture(scope="module")
def nsw() -> pd.DataFrame:
    causaldata = pytest.importorskip("causaldata", reason="causaldata is not installed")
    try:
        data = causaldata.nsw_mixtape.load_pandas().data
    except Exception as exc:  # pragma: no cover - depends on the environment
        pytest.skip(f"causaldata could not load nsw_mixtape offline: {exc}")
    data = data.drop(columns=["data_id"]).astype(np.float64)
    data["age_sq"] = data["age"] ** 2
    return data


def test_r1_difference_in_means(nsw: pd.DataFrame) -> None:
    est = estimate_randomised(nsw, outcome="re78", treatment="treat", se="classical")
    assert est.estimate == pytest.approx(R1["estimate"], abs=TOL)
    assert est.se == pytest.approx(R1["se"], abs=TOL)
    assert (est.n_treated, est.n_comparison) == (185, 260)
    assert est.method == "difference_in_means"
    assert est.details["inference"] == "analytic"


def test_r2_ols_with_covariates_classical_se(nsw: pd.DataFrame) -> None:
    est = estimate_randomised(
        nsw, outcome="re78", treatment="treat", covariates=COVARIATES, se="classical"
    )
    assert est.estimate == pytest.approx(R2["estimate"], abs=tolerance("R2"))
    assert est.se == pytest.approx(R2["se"], abs=tolerance("R2"))  # the classical OLS SE
    assert est.method == "ancova"


def test_r2_default_robust_se_differs(nsw: pd.DataFrame) -> None:
    est = estimate_randomised(nsw, outcome="re78", treatment="treat", covariates=COVARIATES)
    assert est.estimate == pytest.approx(R2["estimate"], abs=tolerance("R2"))
    assert est.se == pytest.approx(R2["se_hc2"], abs=tolerance("R2"))


def test_through_the_public_entry(nsw: pd.DataFrame) -> None:
    est = estimate_effect(nsw, outcome="re78", treatment="treat", randomised=True, se="classical")
    assert est.design == "randomised"
    assert est.estimate == pytest.approx(R1["estimate"], abs=TOL)
    assert "lottery" in est.design_reason
    assert est.evidence == "strong"
