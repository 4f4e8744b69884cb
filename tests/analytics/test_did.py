"""Comparison-group difference-in-differences: simulation with known truth, reference values
(R10, R11 in tests/reference/values.toml: mpdta subsets against the R did package and
statsmodels), and edge cases."""

from __future__ import annotations

import pandas as pd
import pytest
from panel_sim import simulate_panel
from tests.reference import reference, tolerance, values

from lodestar.analytics.estimators.did import estimate_did
from lodestar.analytics.results import OutcomeInfo
from lodestar.errors import InvalidInput

KW = {"outcome": "kpi", "treatment": "trained", "unit": "person", "time": "week"}


def test_parallel_trends_recovers_the_true_effect() -> None:
    data = simulate_panel(n_units=2_000, effect=2.0, seed=11)
    r = estimate_did(data, info=OutcomeInfo(name="sales per week", unit="EUR"), **KW)
    assert r.ci_low <= 2.0 <= r.ci_high
    assert r.method == "twfe_did" and r.design == "did" and r.estimand == "ATT"
    (pre,) = r.diagnostics
    assert pre.name == "pre_trends" and pre.passed and pre.value is not None
    table = r.details["event_study"]
    ref = [row for row in table if row["event_time"] == -1][0]
    assert ref["reference"] and ref["estimate"] == 0.0
    post = [row for row in table if row["event_time"] >= 0]
    assert all(row["ci_low"] < 2.0 < row["ci_high"] for row in post[:3])
    assert r.outcome == "sales per week" and r.unit == "EUR"
    assert r.n_clusters == 2_000


def test_violated_pre_trends_are_flagged() -> None:
    data = simulate_panel(n_units=2_000, effect=2.0, pre_trend=0.05, seed=12)
    r = estimate_did(data, **KW)
    (pre,) = r.diagnostics
    assert pre.passed is False and pre.value is not None and pre.value < 0.10
    assert any("already moved differently" in w for w in r.warnings)


def test_staggered_timing_refuses_a_static_headline() -> None:
    data = simulate_panel(n_units=1_500, starts={4: 0.3, 8: 0.3}, effect={4: 1.0, 8: 3.0})
    r = estimate_did(data, cluster="team", **KW)
    assert r.method == "callaway_santanna" and r.method != "twfe_did"
    assert "Goodman-Bacon" in r.design_reason and "Callaway" in r.design_reason
    truth = (9 * 1.0 + 5 * 3.0) / 14  # cohort-size-weighted post periods, equal cohorts
    assert abs(r.estimate - truth) < 4 * r.se
    with pytest.raises(InvalidInput, match="estimate_staggered"):
        estimate_did(data, on_staggered="refuse", **KW)


def test_one_pre_period_cannot_test_trends() -> None:
    data = simulate_panel(n_units=400, seed=3)
    r = estimate_did(data[data["week"] >= 6], **KW)
    assert r.diagnostics[0].passed is None
    assert any("could not be tested" in w for w in r.warnings)


def test_few_clusters_warn() -> None:
    data = simulate_panel(n_units=400, seed=4)
    data["site"] = data["person"] % 12
    r = estimate_did(data, cluster="site", **KW)
    assert r.n_clusters == 12
    assert any("wild cluster bootstrap" in w for w in r.warnings)
    assert r.details["wild_bootstrap"]["n_clusters"] == 12
    assert [r.ci_low, r.ci_high] == r.details["wild_bootstrap"]["ci"]


def test_edge_cases_raise_clear_errors() -> None:
    data = simulate_panel(n_units=200)
    with pytest.raises(InvalidInput, match="no observations before"):
        estimate_did(data[data["week"] >= 7], **KW)
    with pytest.raises(InvalidInput, match="no comparison group"):
        estimate_did(simulate_panel(n_units=200, starts={5: 1.0}), **KW)
    with pytest.raises(InvalidInput, match="Unknown options"):
        estimate_did(data, bandwidth=3, **KW)


# --- R10, R11: mpdta subsets against the did package and statsmodels --------------------------
# Values, sources and tolerances: tests/reference/values.toml; the statsmodels recomputation is
# tests/reference/scripts/did_mpdta_statsmodels.py.

MPDTA = {"outcome": "lemp", "treatment": "trained", "unit": "countyreal", "time": "year"}


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    import moderndid

    return moderndid.load_mpdta().to_pandas()


def one_cohort(mpdta: pd.DataFrame, cohort: int, years: list[int]) -> pd.DataFrame:
    """Counties first treated in ``cohort`` and the never-treated ones, over ``years``."""
    d = mpdta[mpdta["first.treat"].isin([0, cohort]) & mpdta["year"].isin(years)].copy()
    d["trained"] = ((d["first.treat"] == cohort) & (d["year"] >= cohort)).astype(int)
    return d


def test_r10_two_by_two_matches_the_did_package_and_first_differences(mpdta) -> None:
    ref = reference("R10")
    v, tol = ref["values"], ref["tolerance"]
    r = estimate_did(one_cohort(mpdta, 2004, [2003, 2004]), **MPDTA)
    assert r.method == "twfe_did" and (r.n_treated, r.n_comparison) == (20, 309)
    assert r.estimate == pytest.approx(v["estimate"], abs=tol["abs"])
    assert r.se == pytest.approx(v["se"], rel=tol["se_rel"])
    assert r.estimate == pytest.approx(v["estimate_independent"], abs=tol["independent_abs"])
    assert r.se == pytest.approx(v["se_independent"], rel=tol["independent_se_rel"])


def test_r11_one_cohort_twfe_and_event_study_match_statsmodels(mpdta) -> None:
    ref = reference("R11")
    v, tol = ref["values"], ref["tolerance"]
    r = estimate_did(one_cohort(mpdta, 2006, [2003, 2004, 2005, 2006, 2007]), **MPDTA)
    assert r.method == "twfe_did" and (r.n_treated, r.n_comparison) == (40, 309)
    assert r.estimate == pytest.approx(v["estimate"], abs=tol["abs"])
    assert r.se == pytest.approx(v["se"], rel=tol["se_rel"])
    table = {row["event_time"]: row["estimate"] for row in r.details["event_study"]}
    for e, att in zip(v["event_time"], v["event_att"], strict=True):
        assert table[e] == pytest.approx(att, abs=tol["event_abs"]), e
    # After the start each event-study effect is the 2x2 comparison with 2005, so it is also
    # the did package's ATT(2006, 2006) and ATT(2006, 2007) (R3, cells 7 and 8).
    r3 = values("R3")["att"]
    assert table[0] == pytest.approx(r3[6], abs=tolerance("R3"))
    assert table[1] == pytest.approx(r3[7], abs=tolerance("R3"))
    assert r.diagnostics[0].passed  # mpdta's 2006 cohort shows no pre-trend
