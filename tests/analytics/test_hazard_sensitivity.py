"""E-values for hazard ratios (VanderWeele & Ding 2017) and their place in the evidence grade.

- Reference R16 (tests/reference/values.toml): the rare- and common-outcome conversions and the
  E-values of the EValue R package's own hazard-ratio test cases, to 1e-9; the paper's worked
  example (risk ratio 3.9, 1.8 to 8.7 → 7.26 and 3.0) through the rare-outcome conversion.
- ``estimate_effect(design="survival")`` with treatment during follow-up: a strong effect beside
  a weak measured covariate is robust and can be graded strong; a modest effect beside a
  covariate strongly tied to leaving is fragile, warned about and graded moderate at most; an
  interval that includes 1 needs no unmeasured factor; a lottery gets no E-value.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.reference import tolerance, values

from lodestar.analytics.estimate import estimate_effect
from lodestar.analytics.results import EffectEstimate
from lodestar.analytics.sensitivity.hazard import hazard_e_value, risk_ratio_from_hazard_ratio
from lodestar.errors import InvalidInput

PUBLISHED = json.loads(
    (Path(__file__).parents[1] / "reference" / "sensitivity_published.json").read_text()
)["e_value_vanderweele_ding_2017"]


def test_conversions_and_e_values_match_the_reference() -> None:
    ref, tol = values("R16"), tolerance("R16")
    assert risk_ratio_from_hazard_ratio(1.3, rare=False) == pytest.approx(ref["common_rr"], abs=tol)
    common = hazard_e_value(1.3, 1.2, 1.4, rare=False)
    assert common.e_value == pytest.approx(ref["common_e"], abs=tol)
    assert common.e_value_ci == pytest.approx(ref["common_e_ci"], abs=tol)
    rare = hazard_e_value(0.3, 0.2, 0.5, rare=True)
    assert rare.e_value == pytest.approx(ref["rare_e"], abs=tol)
    assert rare.e_value_ci == pytest.approx(ref["rare_e_ci"], abs=tol)  # limit nearest 1: 0.5
    # A common outcome pulls the risk ratio towards 1, so its E-value is smaller.
    assert hazard_e_value(0.3, 0.2, 0.5, rare=False).e_value < rare.e_value
    assert hazard_e_value(0.8, 0.6, 1.1, rare=True).e_value_ci == 1.0


def test_the_papers_worked_example_through_the_rare_outcome_conversion() -> None:
    ev = hazard_e_value(PUBLISHED["rr"], PUBLISHED["ci_low"], PUBLISHED["ci_high"], rare=True)
    assert ev.e_value == pytest.approx(PUBLISHED["e_value"], abs=0.005)
    assert ev.e_value_ci == pytest.approx(PUBLISHED["e_value_ci"], abs=0.005)
    with pytest.raises(InvalidInput, match="hazard ratio"):
        risk_ratio_from_hazard_ratio(0.0, rare=True)


def leavers(seed: int, *, hazard_ratio: float, covariate: float, n: int = 3000) -> pd.DataFrame:
    """Monthly leaving with a measured covariate; 60% start training in the first year, later
    for people with a higher covariate when ``covariate`` > 0 (so it confounds)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    rate = 0.03 * np.exp(covariate * x)
    start = rng.uniform(0, 12, n) * np.exp(0.3 * np.sign(covariate) * x)
    offered = rng.random(n) < 0.6
    first = rng.exponential(1 / rate)
    before = ~offered | (first < start)
    after = start + rng.exponential(1 / (rate * hazard_ratio))
    time = np.where(before, first, after)
    trained = offered & (start < np.minimum(time, 24))
    return pd.DataFrame(
        {
            "months": np.minimum(time, 24.0),
            "leaving": (time <= 24).astype(int),
            "trained_after": np.where(trained, start, np.nan),
            "rating": x,
        }
    )


def fit(seed: int, *, hazard_ratio: float, covariate: float) -> EffectEstimate:
    return estimate_effect(
        leavers(seed, hazard_ratio=hazard_ratio, covariate=covariate),
        outcome="months",
        event="leaving",
        treated_at="trained_after",
        covariates=["rating"],
    )


def test_strong_effect_is_robust_and_can_be_strong() -> None:
    est = fit(1, hazard_ratio=0.4, covariate=0.2)
    sens = est.sensitivity
    assert sens is not None and sens.kind == "hazard_e_value"
    assert sens.robust is True and sens.benchmark_label == "rating"
    assert sens.data["rare_outcome"] is False  # about half leave within two years
    assert sens.breakdown is not None and sens.breakdown > sens.benchmark
    assert "taking part and leaving by a risk ratio of" in est.summary()
    assert "more than rating, the measured factor most tied to leaving" in est.summary()
    assert est.evidence == "strong"


def test_modest_effect_beside_a_strong_covariate_is_fragile() -> None:
    est = fit(2, hazard_ratio=0.8, covariate=1.2)
    sens = est.sensitivity
    assert sens is not None and sens.robust is False
    assert est.ci_high < 1  # a clear effect, which an unmeasured factor could still explain
    assert any("unmeasured factor no stronger" in w for w in est.warnings)
    assert est.evidence == "moderate"


def test_no_clear_effect_and_lotteries() -> None:
    null = fit(3, hazard_ratio=1.0, covariate=0.3)
    assert null.ci_low <= 1 <= null.ci_high and null.evidence == "weak"
    assert null.sensitivity is not None and null.sensitivity.breakdown == 1.0
    assert "already includes a hazard ratio of 1" in null.sensitivity.sentence
    data = leavers(4, hazard_ratio=0.5, covariate=0.0)
    data["offered"] = data["trained_after"].notna().astype(int)
    lottery = estimate_effect(
        data, outcome="months", event="leaving", treatment="offered", randomised=True
    )
    assert lottery.sensitivity is None
