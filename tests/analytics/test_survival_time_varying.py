"""Time-varying treatment in ``estimate_effect(design="survival")``.

Reference: the Stanford heart transplant data (Crowley & Hu 1977; lifelines
``load_stanford_heart_transplants``), transplant as a time-varying covariate. Published Cox
coefficients (Kalbfleisch & Prentice 2002, ch. 6; R ``survival::coxph`` on ``jasa1`` with
``age + year + surgery + transplant``, Efron ties): age 0.0272, year −0.1463, surgery −0.6372,
transplant −0.0103 (SE 0.3138 in R, 0.3138 in lifelines). Our fit must equal lifelines'
``CoxTimeVaryingFitter`` to 1e-8 (same engine, our own row checks and splitting) and the
published values to 5e-4 (their rounding).

The REFERENCE.md simulation: true hazard ratio 1, training during the first ~10 months for
70% of people; the naive "ever trained" model reports about 0.47, the time-varying one about 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lodestar.analytics.estimate import estimate_effect
from lodestar.errors import InvalidInput

COVARIATES = ["age", "year", "surgery"]
PUBLISHED = {"age": 0.0272, "year": -0.1463, "surgery": -0.6372, "treated": -0.0103}


@pytest.fixture(scope="module")
def stanford() -> pd.DataFrame:
    from lifelines.datasets import load_stanford_heart_transplants

    return load_stanford_heart_transplants()


def test_stanford_counting_process_matches_lifelines_and_the_published_fit(
    stanford: pd.DataFrame,
) -> None:
    from lifelines import CoxTimeVaryingFitter

    est = estimate_effect(
        stanford,
        outcome="stop",
        event="event",
        treatment="transplant",
        unit="id",
        start="start",
        covariates=COVARIATES,
        unit_noun="patients",
    )
    ref = CoxTimeVaryingFitter().fit(
        stanford[["id", "start", "stop", "event", "transplant", *COVARIATES]],
        id_col="id",
        event_col="event",
        start_col="start",
        stop_col="stop",
    )
    assert est.method == "cox_time_varying" and est.causal
    assert est.details["log_hazard_ratio"] == pytest.approx(ref.params_["transplant"], abs=1e-8)
    assert est.se == pytest.approx(ref.standard_errors_["transplant"], abs=1e-8)
    for name, published in PUBLISHED.items():
        assert est.details["coefficients"][name] == pytest.approx(published, abs=5e-4)
    assert est.se == pytest.approx(0.3138, abs=5e-4)
    # 103 patients, never 172 "people": rows of one patient are one history.
    assert est.details["n_units"] == 103 and est.details["n_intervals"] == 172
    assert est.n_treated == 69 and est.n_comparison == 34
    assert est.outcome == "event" and "rate of event" in est.summary()
    assert "69 patients who" in est.summary()


def test_one_row_per_patient_with_treatment_time_gives_the_same_fit(
    stanford: pd.DataFrame,
) -> None:
    per = stanford.groupby("id").agg(
        stop=("stop", "max"),
        event=("event", "max"),
        age=("age", "first"),
        year=("year", "first"),
        surgery=("surgery", "first"),
    )
    began = stanford[stanford["transplant"] == 1].groupby("id")["start"].min()
    per["transplanted_at"] = began.reindex(per.index)
    per = per.reset_index()
    one_row = estimate_effect(
        per,
        outcome="stop",
        event="event",
        treated_at="transplanted_at",
        unit="id",
        covariates=COVARIATES,
    )
    rows = estimate_effect(
        stanford,
        outcome="stop",
        event="event",
        treatment="transplant",
        unit="id",
        start="start",
        covariates=COVARIATES,
    )
    assert one_row.estimate == pytest.approx(rows.estimate, abs=1e-8)
    assert one_row.se == pytest.approx(rows.se, abs=1e-8)


def immortal_time(n: int, seed: int) -> pd.DataFrame:
    """REFERENCE.md: true HR 1; 70% offered training on a random day in the first 300,
    taken only if still there; two years of follow-up."""
    rng = np.random.default_rng(seed)
    leave = np.ceil(rng.exponential(500, n))
    train = rng.integers(1, 300, n).astype(float)
    trained = (rng.random(n) < 0.7) & (train < leave)
    return pd.DataFrame(
        {
            "employee": np.arange(n),
            "days": np.minimum(leave, 730.0),
            "left": (leave <= 730).astype(int),
            "trained_after": np.where(trained, train, np.nan),
            "ever_trained": trained.astype(int),
        }
    )


def test_reference_simulation_naive_047_time_varying_1() -> None:
    data = immortal_time(3000, seed=0)
    right = estimate_effect(
        data, outcome="days", event="left", treated_at="trained_after", unit="employee"
    )
    assert right.causal and right.ci_low <= 1.0 <= right.ci_high
    assert right.estimate == pytest.approx(1.0, abs=0.1)
    assert right.details["ever_treated_hazard_ratio"] == pytest.approx(0.47, abs=0.06)

    naive = estimate_effect(data, outcome="days", event="left", treatment="ever_trained")
    assert naive.estimate == pytest.approx(0.47, abs=0.06)  # the bias, never the headline
    assert naive.causal is False and naive.evidence == "none"
    assert naive.summary().startswith("Not a causal estimate:")
    assert any("immortal-time bias" in w and "treated_at=" in w for w in naive.warnings)
    assert {d.name: d.passed for d in naive.diagnostics}["immortal_time"] is False


def test_assigned_at_start_keeps_the_fixed_indicator_causal() -> None:
    from lifelines.datasets import load_rossi

    est = estimate_effect(
        load_rossi(),
        outcome="week",
        event="arrest",
        treatment="fin",
        assigned_at_start=True,
        covariates=["age", "race", "wexp", "mar", "paro", "prio"],
    )
    assert est.causal and est.estimate == pytest.approx(0.68426, abs=1e-4)
    lottery = estimate_effect(
        load_rossi(),
        outcome="week",
        event="arrest",
        treatment="fin",
        randomized=True,
    )
    assert lottery.causal and lottery.method == "cox_ph"


def test_repeated_units_without_start_are_not_read_as_people(stanford: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="pass start="):
        estimate_effect(stanford, outcome="stop", event="event", treatment="transplant", unit="id")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda d: d.assign(start=d["start"] + 1000), "end before or when they start"),
        (lambda d: d.assign(event=d["event"] * 2), "also holds 2"),
        (lambda d: d.assign(stop=-d["stop"]), "negative"),
        (lambda d: d.assign(start=-1.0), "negative"),
        (lambda d: d.assign(event=d.groupby("id")["event"].transform("max")), "before their last"),
    ],
)
def test_bad_counting_process_rows_are_refused(
    stanford: pd.DataFrame, change: object, fragment: str
) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        estimate_effect(
            change(stanford),  # type: ignore[operator]
            outcome="stop",
            event="event",
            treatment="transplant",
            unit="id",
            start="start",
        )
