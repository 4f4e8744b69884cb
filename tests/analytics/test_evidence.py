"""Weak-evidence rules: each fires at its threshold in a full sentence; Holm vs statsmodels."""

from __future__ import annotations

import numpy as np
import pytest

from lodestar.analytics.evidence import (
    estimand_mismatch,
    few_clusters,
    holm_adjust,
    interval_includes_null,
    kish_ess_share,
    multiple_outcomes,
    not_causal,
    poor_overlap,
    pretrend_failed,
    underpowered,
    warnings_for,
)
from lodestar.errors import InvalidInput


def _sentence(text: str | None) -> str:
    assert text is not None
    assert text[0].isupper() and text.endswith(".")
    return text


def test_interval_rule_uses_one_for_hazard_ratios() -> None:
    assert "zero" in _sentence(interval_includes_null(-1.0, 2.0))
    assert interval_includes_null(0.5, 2.0) is None
    assert "hazard ratio of 1" in _sentence(
        interval_includes_null(0.5, 1.2, estimand="hazard_ratio")
    )
    assert interval_includes_null(0.5, 0.9, estimand="hazard_ratio") is None


def test_thresholds() -> None:
    assert pretrend_failed(0.099) is not None and pretrend_failed(0.10) is None
    assert pretrend_failed(None) is None
    assert poor_overlap(0.09) is not None and poor_overlap(0.10) is None
    assert few_clusters(29) is not None and few_clusters(30) is None
    assert "wild cluster bootstrap" in _sentence(few_clusters(12))
    assert "randomisation inference" in _sentence(
        few_clusters(12, small_cluster_inference="randomisation")
    )
    assert multiple_outcomes(1) is None and "Holm" in _sentence(multiple_outcomes(3))
    assert underpowered(2.0, 1.0) is not None and underpowered(0.5, 1.0) is None
    assert underpowered(None, 1.0) is None
    assert estimand_mismatch("ATT", "ATT") is None
    assert "average effect if everyone" in _sentence(estimand_mismatch("ATT", "ATE"))
    assert not_causal(True) is None and _sentence(not_causal(False)).startswith("Not a causal")


def test_warnings_for_collects_in_order() -> None:
    found = warnings_for(
        -1.0,
        1.0,
        causal=False,
        pretrend_p=0.01,
        ess_share=0.05,
        n_clusters=8,
        mde=3.0,
        plausible_effect=1.0,
        n_outcomes_tested=4,
        claimed_estimand="ATE",
    )
    assert len(found) == 8
    assert found[0].startswith("Not a causal estimate")
    assert all(_sentence(w) for w in found)
    assert warnings_for(1.0, 2.0) == ()


def test_holm_matches_statsmodels_and_hand_computation() -> None:
    p = [0.01, 0.04, 0.03, 0.20]
    # sorted 0.01, 0.03, 0.04, 0.20 -> x4, x3, x2, x1 with monotonicity: .04, .09, .09, .20
    assert holm_adjust(p) == pytest.approx((0.04, 0.09, 0.09, 0.20))
    assert holm_adjust([]) == ()
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        holm_adjust([0.5, 1.5])


def test_kish_effective_sample_share() -> None:
    assert kish_ess_share(np.ones(50)) == pytest.approx(1.0)
    w = np.r_[np.full(99, 0.01), 100.0]
    assert kish_ess_share(w) < 0.02
    with pytest.raises(InvalidInput):
        kish_ess_share([0.0, 0.0])
