"""Closed option sets of the impact engine, each checked at the boundary with the allowed values."""

from __future__ import annotations

from typing import Literal, get_args

Design = Literal[
    "auto",
    "randomised",
    "did",
    "staggered",
    "selection_on_observables",
    "survival",
    "naive",
]
Estimand = Literal["ATT", "ATE", "hazard_ratio", "difference_in_means"]
Evidence = Literal["strong", "moderate", "weak", "none"]
KpiDirection = Literal["up", "down"]
#: How an outcome is measured: a change on a log or ratio scale is not a share of a baseline.
OutcomeScale = Literal["level", "log", "ratio"]
OUTCOME_SCALES: tuple[OutcomeScale, ...] = get_args(OutcomeScale)

DESIGNS: tuple[Design, ...] = get_args(Design)
ESTIMANDS: tuple[Estimand, ...] = get_args(Estimand)

ESTIMAND_LABELS: dict[str, str] = {
    "ATT": "effect on participants (ATT)",
    "ATE": "average effect if everyone took part (ATE)",
    "hazard_ratio": "hazard ratio for participants",
    "difference_in_means": "raw difference between participants and others (not causal)",
}
