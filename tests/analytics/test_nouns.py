"""The unit's noun in the right number, the comparison group the estimator used, and no
"% of baseline" on a log or ratio scale."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from lodestar.analytics.estimate import estimate_effect
from lodestar.analytics.nouns import count, plural, relative_pronoun, singular
from lodestar.analytics.results import EffectEstimate, OutcomeInfo
from lodestar.analytics.wording import summarise

BASE = EffectEstimate(
    estimate=-1.8,
    se=0.4,
    ci_low=-2.6,
    ci_high=-1.0,
    estimand="ATT",
    method="callaway_santanna",
    method_label="Callaway & Sant'Anna group-time effects",
    citation="Callaway & Sant'Anna (2021)",
    design="staggered",
    causal=True,
    n_treated=1,
    n_comparison=42,
    outcome="repeat contacts",
    unit="%",
    baseline=12.9,
    population="states",
    details={"control_group": "never_treated"},
)


@pytest.mark.parametrize(
    ("noun", "one", "many"),
    [
        ("people", "person", "people"),
        ("person", "person", "people"),
        ("states", "state", "states"),
        ("team", "team", "teams"),
        ("countries", "country", "countries"),
        ("branches", "branch", "branches"),
        ("store managers", "store manager", "store managers"),
    ],
)
def test_singular_and_plural(noun: str, one: str, many: str) -> None:
    assert singular(noun) == one and plural(noun) == many
    assert count(1, noun) == f"1 {one}" and count(1204, noun) == f"1,204 {many}"


def test_sentences_use_the_noun_in_the_right_number() -> None:
    text = summarise(BASE)
    assert "among the 1 state that took part" in text
    assert "similar states that never took part" in text
    assert "people" not in text and "1 states" not in text
    later = dataclasses.replace(BASE, details={"control_group": "not_yet_treated"})
    assert "similar states that had not yet started" in summarise(later)
    assert relative_pronoun("people") == "who" and relative_pronoun("stores") == "that"


def test_no_percent_of_baseline_on_a_log_scale() -> None:
    level = summarise(BASE)
    assert "% of baseline" in level
    log = dataclasses.replace(
        BASE, estimate=-0.05, ci_low=-0.08, ci_high=-0.02, scale="log", unit=""
    )
    text = summarise(log)
    assert "% of baseline" not in text and log.percent_of_baseline is None
    assert "about \u22124.9% on the original scale" in text
    ratio = dataclasses.replace(BASE, scale="ratio")
    assert "% of baseline" not in summarise(ratio)


def test_a_log_outcome_is_recognised_by_its_name_or_declared() -> None:
    rng = np.random.default_rng(0)
    n = 200
    t = rng.permutation(np.arange(n) < n // 2).astype(int)
    data = pd.DataFrame({"log_sales": 3 + 0.1 * t + rng.normal(0, 0.05, n), "pilot": t})
    est = estimate_effect(
        data, outcome="log_sales", treatment="pilot", randomised=True, unit_noun="stores"
    )
    assert est.scale == "log" and est.percent_of_baseline is None
    assert "the 100 stores that took part" in est.summary()
    declared = estimate_effect(
        data.rename(columns={"log_sales": "sales"}),
        outcome="sales",
        treatment="pilot",
        randomised=True,
        info=OutcomeInfo("sales", scale="log"),
    )
    assert declared.scale == "log"


def test_survival_results_are_named_after_the_event() -> None:
    rng = np.random.default_rng(3)
    n = 400
    offer = rng.permutation(np.arange(n) < n // 2).astype(int)
    days = np.ceil(rng.exponential(300 * (1 + 0.5 * offer)))
    data = pd.DataFrame(
        {"stop": np.minimum(days, 400.0), "leaving": (days <= 400).astype(int), "offer": offer}
    )
    est = estimate_effect(data, outcome="stop", event="leaving", treatment="offer", randomised=True)
    assert "rate of leaving" in est.summary() and "rate of stop" not in est.summary()
