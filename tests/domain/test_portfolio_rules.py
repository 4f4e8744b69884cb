"""Portfolio rules: expected impact, confidence, the score, the 80/20 cut, symptoms, the plan."""

from __future__ import annotations

from datetime import date

import pytest

from lodestar.domain.ninety_day_plan import (
    PLAN_ITEMS,
    due_date,
    item_status,
    manual_item,
)
from lodestar.domain.portfolio import (
    DEFAULT_EFFECT_SHARE,
    ImpactInputs,
    check_effort,
    check_people,
    check_weight,
    confidence,
    expected_impact,
    impact_band,
    pareto_cut,
    priority_score,
)
from lodestar.domain.stakeholders import check_level, quadrant
from lodestar.domain.symptoms import SYMPTOMS, SYMPTOMS_BY_KEY, is_present
from lodestar.errors import InvalidInput

CONVERSION = ImpactInputs(
    kpi_name="Conversion", unit="%", direction="up", baseline=24.0, target=28.0,
    value_per_unit=4000.0, people=40,
)  # fmt: skip


def test_value_at_stake_is_gap_times_value_times_people_with_the_assumed_share():
    got = expected_impact(CONVERSION)
    assert got.basis == "kpi"
    assert got.at_stake == pytest.approx(4 * 4000 * 40)
    assert got.share == DEFAULT_EFFECT_SHARE
    assert got.value == pytest.approx(640_000 * DEFAULT_EFFECT_SHARE)
    assert any("Assumed to close 25%" in a for a in got.assumptions)


def test_a_registered_effect_sets_the_share_and_a_wrong_way_effect_earns_nothing():
    down = ImpactInputs(
        kpi_name="Repeat contacts", unit="%", direction="down", baseline=18.5, target=15.0,
        value_per_unit=570.0, people=100, effect=-1.75, effect_source="registered",
    )  # fmt: skip
    got = expected_impact(down)
    assert got.share == pytest.approx(0.5)
    assert got.value == pytest.approx(3.5 * 570 * 100 * 0.5)
    wrong = expected_impact(ImpactInputs(**{**down.__dict__, "effect": 1.0}))
    assert wrong.value == 0
    more = expected_impact(ImpactInputs(**{**down.__dict__, "effect": -9.0}))
    assert more.share == 1.0  # never more than the whole gap


def test_team_kpis_count_once_and_cost_of_inaction_stands_in_without_a_kpi():
    team = expected_impact(ImpactInputs(**{**CONVERSION.__dict__, "per_person": False}))
    assert team.at_stake == pytest.approx(4 * 4000)
    coi = expected_impact(ImpactInputs(cost_of_inaction=200_000.0))
    assert coi.basis == "cost_of_inaction"
    assert coi.value == pytest.approx(50_000)
    none = expected_impact(ImpactInputs(kpi_name="CSAT", baseline=84.0, target=87.0, people=9))
    assert none.value is None and none.basis == "none"
    assert "money value" in none.assumptions[0]


def test_confidence_prefers_the_evidence_then_the_design_then_the_diagnosis():
    assert confidence(evidence="strong", design="randomised")[0] == 0.9
    assert confidence(evidence=None, design="randomised")[0] == 0.6
    assert confidence(evidence=None, design=None, diagnosed=True)[0] == 0.35
    assert confidence(evidence=None, design=None)[0] == 0.2


def test_score_weighs_value_by_confidence_weight_and_effort():
    assert priority_score(100_000, 0.5, 5, 10) == pytest.approx(5_000)
    assert priority_score(100_000, 0.5, 0, 10) == 0
    assert priority_score(None, 0.5, 5, 10) is None
    assert priority_score(100_000, 0.5, 5, 20) == pytest.approx(2_500)


def test_pareto_cut_counts_the_fewest_items_carrying_80_percent():
    assert pareto_cut([50, 30, 10, 5, 5]) == 2
    assert pareto_cut([10, 10, 10, 10, 10]) == 4
    assert pareto_cut([None, 0, 100]) == 1
    assert pareto_cut([None, 0]) == 0
    assert pareto_cut([5, 50, 10, 30, 5]) == 2  # order does not matter


def test_impact_bands():
    assert impact_band(None) == "not estimated"
    assert impact_band(9_999) == "under 10k"
    assert impact_band(10_000) == "10k to 100k"
    assert impact_band(2e6) == "1M and more"


def test_input_checks_refuse_with_a_sentence():
    with pytest.raises(InvalidInput, match="0 to 5"):
        check_weight(6)
    with pytest.raises(InvalidInput, match="days of L&D work"):
        check_effort(0)
    with pytest.raises(InvalidInput, match="at least 1"):
        check_people(0)
    assert check_effort(None) is None and check_weight(0) == 0


def test_symptom_rules_have_treatments_and_thresholds():
    assert len(SYMPTOMS) == 6
    assert all(s.treatment.endswith(".") for s in SYMPTOMS)
    adhoc = SYMPTOMS_BY_KEY["ad_hoc_requests"]
    assert is_present(adhoc, 4, 10) and not is_present(adhoc, 3, 10)
    assert not is_present(SYMPTOMS_BY_KEY["no_diagnosis"], 0, 5)
    assert is_present(SYMPTOMS_BY_KEY["no_diagnosis"], 1, 5)
    assert not is_present(adhoc, 0, 0)


def test_plan_items_fall_late_after_their_phase():
    start = date(2026, 1, 1)
    assert len(PLAN_ITEMS) == 9
    assert due_date(start, 1) == date(2026, 1, 30)
    assert item_status(False, 1, start, date(2026, 1, 30)) == "due"
    assert item_status(False, 1, start, date(2026, 1, 31)) == "late"
    assert item_status(False, 3, start, date(2026, 1, 31)) == "upcoming"
    assert item_status(True, 1, start, date(2026, 5, 1)) == "done"


def test_only_hand_items_can_be_ticked():
    assert manual_item("impact_brief").phase == 3
    with pytest.raises(InvalidInput, match="checked from the data"):
        manual_item("ten_interviews")
    with pytest.raises(InvalidInput, match="Choose one of"):
        manual_item("nonsense")


def test_stakeholder_grid_quadrants():
    assert quadrant(5, 5) == "manage_closely"
    assert quadrant(4, 1) == "keep_satisfied"
    assert quadrant(2, 3) == "keep_informed"
    assert quadrant(1, 2) == "monitor"
    with pytest.raises(InvalidInput, match="1 \\(low\\) to 5"):
        check_level(0, "influence")
