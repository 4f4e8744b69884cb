"""The public entry: design="auto" picks the design from the data and says why; bad data refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lodestar.analytics.estimate import choose_design, estimate_effect
from lodestar.analytics.results import OutcomeInfo
from lodestar.errors import InvalidInput


def panel(starts: dict[int, int], n: int = 60, periods: int = 6, seed: int = 0) -> pd.DataFrame:
    """Long panel: ``starts`` maps a first-treated period to its share of units (in 1/10s)."""
    rng = np.random.default_rng(seed)
    cohorts = np.zeros(n, dtype=int)
    i = 0
    for start, tenths in starts.items():
        k = n * tenths // 10
        cohorts[i : i + k] = start
        i += k
    rows = pd.DataFrame(
        [(u, t) for u in range(n) for t in range(1, periods + 1)], columns=["id", "week"]
    )
    rows["cohort"] = cohorts[rows["id"]]
    on = (rows["cohort"] > 0) & (rows["week"] >= rows["cohort"])
    rows["trained"] = on.astype(int)
    rows["kpi"] = rng.normal(size=n)[rows["id"]] + 0.2 * rows["week"] + 1.0 * on
    rows["kpi"] += rng.normal(0, 0.5, len(rows))
    return rows


def people(n: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tenure = rng.normal(5, 2, n)
    took_part = (rng.random(n) < 1 / (1 + np.exp(-(tenure - 5)))).astype(int)
    kpi = 10 + tenure + 1.5 * took_part + rng.normal(0, 1, n)
    return pd.DataFrame({"kpi": kpi, "took_part": took_part, "tenure": tenure})


def test_several_start_times_choose_staggered() -> None:
    data = panel({3: 3, 5: 3})
    est = estimate_effect(data, outcome="kpi", unit="id", time="week", cohort="cohort")
    assert est.design == "staggered"
    assert "2 different times" in est.design_reason
    same = estimate_effect(data, outcome="kpi", unit="id", time="week", treatment="trained")
    assert same.design == "staggered" and same.estimate == pytest.approx(est.estimate)


def test_one_start_time_with_comparison_group_chooses_did() -> None:
    data = panel({4: 5})
    est = estimate_effect(data, outcome="kpi", unit="id", time="week", treatment="trained")
    assert est.design == "did"
    assert "difference-in-differences" in est.design_reason
    assert est.estimate == pytest.approx(1.0, abs=0.3)
    via_cohort = estimate_effect(data, outcome="kpi", unit="id", time="week", cohort="cohort")
    assert via_cohort.design == "did" and via_cohort.estimate == pytest.approx(est.estimate)


def test_randomised_flag_or_attribute() -> None:
    data = people()
    est = estimate_effect(data, outcome="kpi", treatment="took_part", randomised=True)
    assert est.design == "randomised" and "lottery" in est.design_reason
    data.attrs["randomised"] = True
    assert choose_design(data, outcome="kpi", treatment="took_part")[0] == "randomised"


def test_covariates_choose_selection_on_observables() -> None:
    est = estimate_effect(
        people(),
        outcome="kpi",
        treatment="took_part",
        covariates=["tenure"],
        info=OutcomeInfo("sales", "EUR", "up", "reps"),
    )
    assert est.design == "selection_on_observables"
    assert "unrecorded" in est.design_reason
    assert est.population == "reps"
    assert est.estimate == pytest.approx(1.5, abs=0.5)


def test_nothing_else_falls_back_to_a_labelled_naive_comparison() -> None:
    est = estimate_effect(people(), outcome="kpi", treatment="took_part")
    assert est.design == "naive" and not est.causal
    assert "not causal" in est.design_reason
    assert est.summary().startswith("Not a causal estimate:")
    assert est.evidence == "none"


def test_explicit_design_is_checked() -> None:
    with pytest.raises(InvalidInput, match="'auto', 'randomised', 'did'"):
        estimate_effect(people(), outcome="kpi", treatment="took_part", design="magic")
    est = estimate_effect(people(), outcome="kpi", treatment="took_part", design="naive")
    assert est.design_reason.startswith("The 'naive' design was requested.")


@pytest.mark.parametrize(
    ("data", "kwargs", "fragment"),
    [
        (people(), {"treatment": "trained"}, "no column named 'trained'"),
        (people().assign(took_part=2), {"treatment": "took_part"}, "must hold 1"),
        (people().assign(took_part=1), {"treatment": "took_part"}, "no comparison group"),
        (people().assign(took_part=0), {"treatment": "took_part"}, "Nobody"),
        (
            people().head(8).assign(took_part=[1, 0, 0, 0, 0, 0, 0, 0]),
            {"treatment": "took_part"},
            "at least 2",
        ),
        (people().assign(kpi="high"), {"treatment": "took_part"}, "must hold numbers"),
        (people().iloc[0:0], {"treatment": "took_part"}, "empty"),
        (people(), {"treatment": "took_part", "cluster": "tenure"}, "not available"),
        (people(), {"treatment": "took_part", "design": "did"}, "unit="),
        (
            people(),
            {"treatment": "took_part", "design": "selection_on_observables"},
            "needs covariates",
        ),
        (people(), {"treatment": "took_part", "flavour": "x"}, "not understood"),
    ],
)
def test_bad_cross_sections(data: pd.DataFrame, kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        estimate_effect(data, outcome="kpi", **kwargs)  # type: ignore[arg-type]


def test_panel_without_pre_period_is_refused() -> None:
    data = panel({1: 5})  # everyone trained starts in the first week
    with pytest.raises(InvalidInput, match="no values before anyone started"):
        estimate_effect(data, outcome="kpi", unit="id", time="week", treatment="trained")


def test_panel_without_comparison_group_is_refused() -> None:
    data = panel({4: 10})
    with pytest.raises(InvalidInput, match="no comparison group"):
        estimate_effect(data, outcome="kpi", unit="id", time="week", treatment="trained")


def test_a_cohort_of_three_runs_with_a_warning_and_is_graded_down() -> None:
    data = panel({4: 5}, n=60)
    tiny = data[(data["cohort"] == 0) | (data["id"] < 3)]
    est = estimate_effect(tiny, outcome="kpi", unit="id", time="week", treatment="trained")
    assert est.design == "did" and est.n_treated == 3
    assert any("Only 3 people took part, fewer than min_units = 5" in w for w in est.warnings)
    small = next(d for d in est.diagnostics if d.name == "small_groups")
    assert small.passed is False and est.evidence == "weak"
    quiet = estimate_effect(
        tiny, outcome="kpi", unit="id", time="week", treatment="trained", min_units=3
    )
    assert not any(d.name == "small_groups" for d in quiet.diagnostics)


def test_randomised_needs_one_row_per_person() -> None:
    with pytest.raises(InvalidInput, match="one row per person"):
        estimate_effect(
            panel({4: 5}),
            outcome="kpi",
            unit="id",
            time="week",
            treatment="trained",
            randomised=True,
        )
