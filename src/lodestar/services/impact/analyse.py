"""Estimate what a stored program did to its metric that matters, with the design its roll-out
supports, and the naive comparison beside it (labelled as such).

Roll-out → design:
- staggered start dates by team → Callaway & Sant'Anna on the employee-week panel;
- a randomised pilot (participant and comparison groups assigned at random) → difference in
  post-period means adjusted for the pre-period mean (ANCOVA);
- anything else (manager nomination, open enrolment) → selection on observables: doubly
  robust AIPW effect on participants, adjusted for the pre-period level, performance rating
  and tenure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from lodestar.analytics.estimators.naive import estimate_naive
from lodestar.analytics.estimators.observational import estimate_selection_on_observables
from lodestar.analytics.estimators.randomised import estimate_randomised
from lodestar.analytics.estimators.staggered import estimate_staggered
from lodestar.analytics.results import EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput
from lodestar.services.impact.panel import ProgramPanel

ProgramDesign = Literal["staggered", "randomised", "selection_on_observables"]


@dataclass(frozen=True)
class ProgramAnalysis:
    design: ProgramDesign
    headline: EffectEstimate
    naive: EffectEstimate | None
    people: int  # participants the effect is about


def design_for(rollout: str, panel: ProgramPanel) -> ProgramDesign:
    """The design the program's roll-out supports."""
    text = rollout.lower()
    has_comparison_group = panel.frame["group"].eq("comparison").any()
    if "random" in text and has_comparison_group:
        return "randomised"
    starts = panel.frame.loc[panel.frame["first_treat"] > 0, "first_treat"].nunique()
    if "stagger" in text or starts > 1:
        return "staggered"
    return "selection_on_observables"


def person_level(panel: ProgramPanel) -> pd.DataFrame:
    """One row per person: pre- and post-period means around the program's start."""
    f = panel.frame
    start_t = int(f.loc[f["first_treat"] > 0, "first_treat"].min())
    post = f["t"] >= start_t
    pre_mean = f[~post].groupby("employee_id")["value"].mean().rename("pre_mean")
    post_mean = f[post].groupby("employee_id")["value"].mean().rename("post_mean")
    people = (
        f.groupby("employee_id")
        .agg(
            team_id=("team_id", "first"),
            group=("group", "first"),
            performance_rating=("performance_rating", "first"),
            hire_date=("hire_date", "first"),
        )
        .join(pre_mean, how="inner")
        .join(post_mean, how="inner")
    )
    first_period = pd.Timestamp(f["period"].min())
    hire = pd.to_datetime(people["hire_date"])
    people["tenure_years"] = (first_period - hire).dt.days.clip(lower=0) / 365.25
    people["participant"] = people["group"].eq("participant").astype(int)
    people["performance_rating"] = people["performance_rating"].fillna(
        people["performance_rating"].mean()
    )
    return people.reset_index()


def analyse_panel(panel: ProgramPanel, *, design: ProgramDesign | None = None) -> ProgramAnalysis:
    """Run the design's estimator and, for non-randomised designs, the naive comparison."""
    chosen = design or design_for(panel.program.rollout, panel)
    info = OutcomeInfo(name=panel.kpi.name, unit=panel.kpi.unit, direction=panel.kpi.direction)
    if chosen == "staggered":
        frame = panel.frame[["employee_id", "t", "value", "first_treat", "team_id"]]
        headline = estimate_staggered(
            frame,
            outcome="value",
            unit="employee_id",
            time="t",
            cohort="first_treat",
            control_group="not_yet_treated",
            info=info,
        )
        people = person_level(panel)
        naive = estimate_naive(people, outcome="post_mean", treatment="participant", info=info)
        return ProgramAnalysis(chosen, headline, naive, headline.n_treated)
    people = person_level(panel)
    if chosen == "randomised":
        pilot = people[people["group"].isin(["participant", "comparison"])]
        headline = estimate_randomised(
            pilot,
            outcome="post_mean",
            treatment="participant",
            pre_outcome="pre_mean",
            info=info,
        )
        return ProgramAnalysis(chosen, headline, None, headline.n_treated)
    if people["participant"].sum() == 0:
        raise InvalidInput(
            f"Program '{panel.program.name}' has no participants with observations before and "
            "after its start. Check the enrolments' start dates against the KPI's history."
        )
    headline = estimate_selection_on_observables(
        people,
        outcome="post_mean",
        treatment="participant",
        covariates=["pre_mean", "performance_rating", "tenure_years"],
        info=info,
    )
    naive = estimate_naive(people, outcome="post_mean", treatment="participant", info=info)
    return ProgramAnalysis(chosen, headline, naive, int(np.sum(people["participant"])))
