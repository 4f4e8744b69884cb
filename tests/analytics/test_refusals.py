"""Data that carries no information is refused with a sentence that says what to do, for every
design, and no library exception (numpy, pandas, lifelines, pyfixest) escapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from lodestar.analytics.estimate import estimate_effect
from lodestar.errors import InvalidInput, LodestarError

Case = tuple[pd.DataFrame, dict[str, Any]]


def cross_section(n: int = 120, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tenure = rng.normal(5, 2, n)
    took_part = (rng.random(n) < 0.5).astype(int)
    return pd.DataFrame(
        {
            "kpi": 10 + tenure + 1.5 * took_part + rng.normal(0, 1, n),
            "took_part": took_part,
            "tenure": tenure,
            "rating": rng.normal(3, 1, n),
        }
    )


def long_panel(starts: tuple[int, ...], n: int = 40, periods: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    cohort = np.array([starts[i % len(starts)] if i % 2 else 0 for i in range(n)])
    rows = pd.DataFrame(
        [(u, t) for u in range(n) for t in range(1, periods + 1)], columns=["id", "week"]
    )
    rows["cohort"] = cohort[rows["id"]]
    on = (rows["cohort"] > 0) & (rows["week"] >= rows["cohort"])
    rows["trained"] = on.astype(int)
    rows["tenure"] = rng.normal(5, 2, n)[rows["id"]]
    rows["rating"] = rng.normal(3, 1, len(rows))
    rows["kpi"] = rows["tenure"] + 0.2 * rows["week"] + on + rng.normal(0, 0.5, len(rows))
    return rows


def survival_rows(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    leave = np.ceil(rng.exponential(300, n))
    return pd.DataFrame(
        {
            "person": np.arange(n),
            "days": np.minimum(leave, 500.0),
            "left": (leave <= 500).astype(int),
            "trained_after": np.where(rng.random(n) < 0.5, rng.integers(1, 200, n), np.nan),
            "tenure": rng.normal(5, 2, n),
            "rating": rng.normal(3, 1, n),
        }
    )


DESIGNS: dict[str, Callable[[], Case]] = {
    "randomised": lambda: (cross_section(), {"treatment": "took_part", "randomised": True}),
    "selection_on_observables": lambda: (
        cross_section(),
        {"treatment": "took_part", "covariates": ["tenure"]},
    ),
    "naive": lambda: (cross_section(), {"treatment": "took_part", "design": "naive"}),
    "did": lambda: (
        long_panel((4,)),
        {"treatment": "trained", "unit": "id", "time": "week", "design": "did"},
    ),
    "staggered": lambda: (
        long_panel((3, 5)),
        {"cohort": "cohort", "unit": "id", "time": "week", "design": "staggered"},
    ),
    "survival": lambda: (
        survival_rows(),
        {"event": "left", "treated_at": "trained_after", "unit": "person", "outcome": "days"},
    ),
}


def _outcome(kwargs: dict[str, Any]) -> str:
    return str(kwargs.get("outcome", "kpi"))


def constant(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    return d.assign(**{_outcome(k): 3.0}), k


def infinite(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    y = d[_outcome(k)].astype(float).copy()
    y.iloc[3] = np.inf
    return d.assign(**{_outcome(k): y}), k


def text_numbers(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    return d.assign(**{_outcome(k): d[_outcome(k)].astype(str)}), k


def decimal_commas(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    text = d[_outcome(k)].map(lambda v: f"{v:.2f}".replace(".", ","))
    return d.assign(**{_outcome(k): text}), k


def words(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    return d.assign(**{_outcome(k): "high"}), k


def no_values(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    return d.assign(**{_outcome(k): np.nan}), k


def collinear(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    d = d.assign(tenure_months=d["tenure"] * 12)
    return d, {**k, "covariates": ["tenure", "tenure_months"]}


def constant_covariate(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    return d.assign(site=1.0), {**k, "covariates": ["tenure", "site"]}


def covariate_as_text(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    return d.assign(tenure=d["tenure"].round(2).astype(str)), {**k, "covariates": ["tenure"]}


def bad_treatment_code(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    if "treated_at" in k:
        return d.assign(trained_after="soon"), k
    col = k.get("treatment")
    if col is None:
        return d.assign(cohort=d["cohort"].astype(str) + "x"), k
    return d.assign(**{col: d[col] * 2}), k


def misspelt_design(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    return d, {**k, "design": "staggerd"}


def misspelt_option(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    return d, {**k, "confidense": 0.9}


def empty(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    return d.iloc[0:0], k


def not_a_frame(d: pd.DataFrame, k: dict[str, Any]) -> Case:
    return d.to_dict("records"), k  # type: ignore[return-value]


MUTATIONS: dict[str, Callable[[pd.DataFrame, dict[str, Any]], Case]] = {
    f.__name__: f
    for f in (
        constant,
        infinite,
        text_numbers,
        decimal_commas,
        words,
        no_values,
        collinear,
        constant_covariate,
        covariate_as_text,
        bad_treatment_code,
        misspelt_design,
        misspelt_option,
        empty,
        not_a_frame,
    )
}


def _is_sentence(text: str) -> bool:
    return text[:1].isupper() and text.rstrip().endswith((".", "?")) and len(text.split()) >= 8


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_adversarial_input_is_a_lodestar_error_with_a_sentence(design: str, mutation: str) -> None:
    data, kwargs = MUTATIONS[mutation](*DESIGNS[design]())
    kwargs = {"outcome": "kpi", **kwargs}
    with pytest.raises(LodestarError) as caught:
        estimate_effect(data, **kwargs)
    assert isinstance(caught.value, InvalidInput)
    assert _is_sentence(caught.value.message), caught.value.message


def test_the_base_cases_run() -> None:
    for design, make in DESIGNS.items():
        data, kwargs = make()
        est = estimate_effect(data, **{"outcome": "kpi", **kwargs})
        assert est.design == design


@pytest.mark.parametrize(
    ("mutation", "fragment"),
    [
        (constant, r"same value \(3\) on every row"),
        (infinite, "1 infinite value"),
        (text_numbers, "numbers stored as text.*pd.to_numeric"),
        (decimal_commas, "decimal comma"),
        (collinear, "'tenure_months' is fully determined by 'tenure'"),
        (constant_covariate, "'site' has the same value for everyone"),
        (covariate_as_text, "covariate column 'tenure' holds numbers stored as text"),
        (misspelt_design, "Did you mean 'staggered'"),
        (misspelt_option, "Did you mean 'confidence'"),
    ],
)
def test_refusals_name_the_column_and_the_fix(
    mutation: Callable[[pd.DataFrame, dict[str, Any]], Case], fragment: str
) -> None:
    data, kwargs = mutation(*DESIGNS["staggered"]())
    with pytest.raises(InvalidInput, match=fragment):
        estimate_effect(data, **{"outcome": "kpi", **kwargs})


def test_periods_that_cannot_be_ordered_say_how_to_code_them() -> None:
    data = long_panel((3, 5))
    data["quarter"] = "Q" + ((data["week"] - 1) % 4 + 1).astype(str) + "2010"
    with pytest.raises(InvalidInput, match="Q4 2010 becomes 8044"):
        estimate_effect(data, outcome="kpi", unit="id", time="quarter", cohort="cohort")


def test_survival_codes_and_negative_durations() -> None:
    data = survival_rows()
    kwargs = {"outcome": "days", "event": "left", "treated_at": "trained_after", "unit": "person"}
    with pytest.raises(InvalidInput, match="also holds 2"):
        estimate_effect(data.assign(left=data["left"] * 2), **kwargs)
    with pytest.raises(InvalidInput, match="negative"):
        estimate_effect(data.assign(days=data["days"] - 600), **kwargs)


def test_dropped_rows_are_counted_in_the_warnings() -> None:
    data = cross_section()
    data.loc[:6, "tenure"] = np.nan
    data.loc[10:11, "kpi"] = np.nan
    est = estimate_effect(data, outcome="kpi", treatment="took_part", covariates=["tenure"])
    assert any(
        "7 rows were left out because a covariate was missing: 'tenure' (7)" in w
        for w in est.warnings
    )
    naive = estimate_effect(data, outcome="kpi", treatment="took_part", design="naive")
    assert any("2 rows were left out because 'kpi' was missing" in w for w in naive.warnings)


def test_american_spellings_are_accepted() -> None:
    data = cross_section()
    est = estimate_effect(data, outcome="kpi", treatment="took_part", design="randomized")
    assert est.design == "randomised"
    flagged = estimate_effect(
        data, outcome="kpi", treatment="took_part", randomized=True, inference="randomization"
    )
    assert flagged.design == "randomised" and "randomisation" in flagged.details
