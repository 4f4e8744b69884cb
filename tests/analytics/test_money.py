"""ROI by Phillips' rules: first year only, fully loaded cost, interval carried, refusals."""

from __future__ import annotations

import dataclasses

import pytest

from lodestar.analytics.money import ProgramCosts, return_on_investment
from lodestar.analytics.results import EffectEstimate
from lodestar.errors import InvalidInput

EST = EffectEstimate(
    estimate=-2.0,
    se=0.5,
    ci_low=-3.0,
    ci_high=-1.0,
    estimand="ATT",
    method="did",
    method_label="Difference-in-differences",
    citation="",
    design="did",
    causal=True,
    n_treated=100,
    n_comparison=100,
    outcome="repeat contacts per agent per month",
    direction="down",
)


def test_benefit_roi_and_interval() -> None:
    # 2 contacts avoided x 5 EUR x 100 agents x 12 months = 12,000; cost 8,000
    roi = return_on_investment(EST, unit_value=5.0, people=100, cost=8000, periods_per_year=12)
    assert roi.benefit == pytest.approx(12_000)
    assert (roi.benefit_low, roi.benefit_high) == pytest.approx((6_000, 18_000))
    assert roi.roi_percent == pytest.approx(50.0)
    assert (roi.roi_low, roi.roi_high) == pytest.approx((-25.0, 125.0))
    assert roi.benefit_cost_ratio == pytest.approx(1.5)
    assert roi.net_benefit == pytest.approx(4_000)
    assert roi.warnings == ()
    assert any("first year" in a for a in roi.assumptions)


def test_fully_loaded_costs_add_up() -> None:
    costs = ProgramCosts(
        design_and_development=3000,
        delivery=2000,
        participant_time=2500,
        overhead=300,
        evaluation=200,
    )
    assert costs.total == 8000
    roi = return_on_investment(EST, unit_value=5.0, people=100, cost=costs, periods_per_year=12)
    assert roi.cost == 8000


def test_interval_through_zero_and_wrong_way_are_warned() -> None:
    null = dataclasses.replace(EST, estimate=0.5, ci_low=-1.0, ci_high=2.0)
    roi = return_on_investment(null, unit_value=5.0, people=100, cost=8000, periods_per_year=12)
    assert roi.benefit == pytest.approx(-3_000)
    assert (roi.roi_low, roi.roi_high) == pytest.approx((-250.0, -25.0))
    assert len(roi.warnings) == 2


def test_refusals() -> None:
    with pytest.raises(InvalidInput, match="has no unit value"):
        return_on_investment(EST, unit_value=None, people=100, cost=8000)
    with pytest.raises(InvalidInput, match="not causal"):
        return_on_investment(dataclasses.replace(EST, causal=False), unit_value=5, people=1, cost=1)
    with pytest.raises(InvalidInput, match="first year only"):
        return_on_investment(EST, unit_value=5, people=1, cost=1, periods_per_year=12, periods=24)
    with pytest.raises(InvalidInput, match="up or down"):
        return_on_investment(
            dataclasses.replace(EST, direction=None), unit_value=5, people=1, cost=1
        )
    with pytest.raises(InvalidInput, match="hazard ratio"):
        return_on_investment(
            dataclasses.replace(EST, estimand="hazard_ratio"), unit_value=5, people=1, cost=1
        )
    with pytest.raises(InvalidInput, match="cost must be positive"):
        return_on_investment(EST, unit_value=5, people=1, cost=0)
