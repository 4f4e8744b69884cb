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
    text = rollout.lower()  # each scan of the frame only when the answer depends on it
    if "random" in text and panel.frame["group"].eq("comparison").any():
        return "randomised"
    if "stagger" in text:
        return "staggered"
    starts = panel.frame.loc[panel.frame["first_treat"] > 0, "first_treat"].nunique()
    if starts > 1:
        return "staggered"
    return "selection_on_observables"


def person_level(panel: ProgramPanel) -> pd.DataFrame:
    """One row per person: pre- and post-period means around the program's start."""
    f = panel.frame
    start_t = int(f.loc[f["first_treat"] > 0, "first_treat"].min())
    employee = f["employee_id"].to_numpy()
    t = f["t"].to_numpy()
    if len(employee) < 2 or not _sorted_by_person_and_period(employee, t):
        return _person_level_grouped(f, start_t)
    # The frame is sorted by person and period with one row per person-period (as
    # build_program_panel returns it), and the per-person columns are spread from one
    # value per person: take them from each person's first row, and both means in one
    # pass (pandas' grouped mean, so the numbers are the same as grouping twice).
    heads = np.flatnonzero(np.r_[True, employee[1:] != employee[:-1]])
    n = len(heads)
    person = np.repeat(np.arange(n), np.diff(np.r_[heads, len(employee)]))
    codes = 2 * person + (t >= start_t)
    means = (
        pd.Series(f["value"].to_numpy(), copy=False)
        .groupby(pd.Categorical.from_codes(codes, categories=np.arange(2 * n)), observed=False)
        .mean()
        .to_numpy()
    )
    counts = np.bincount(codes, minlength=2 * n)
    keep = (counts[0::2] > 0) & (counts[1::2] > 0)
    rows = heads[keep]
    people = pd.DataFrame(
        {
            "employee_id": employee[rows],
            "team_id": f["team_id"].to_numpy()[rows],
            "group": pd.Series(f["group"].to_numpy()[rows], dtype=object),
            "performance_rating": f["performance_rating"].to_numpy()[rows],
            "hire_date": f["hire_date"].to_numpy()[rows],
            "pre_mean": means[0::2][keep],
            "post_mean": means[1::2][keep],
        }
    )
    return _person_columns(people, f)


def _sorted_by_person_and_period(employee: np.ndarray, t: np.ndarray) -> bool:
    same = employee[1:] == employee[:-1]
    return bool((employee[1:] >= employee[:-1]).all() and (t[1:][same] > t[:-1][same]).all())


def _person_level_grouped(f: pd.DataFrame, start_t: int) -> pd.DataFrame:
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
    return _person_columns(people.reset_index(), f)


def _person_columns(people: pd.DataFrame, f: pd.DataFrame) -> pd.DataFrame:
    first_period = pd.Timestamp(f["period"].min())
    hire = pd.to_datetime(people["hire_date"])
    people["tenure_years"] = (first_period - hire).dt.days.clip(lower=0) / 365.25
    people["participant"] = people["group"].eq("participant").astype(int)
    people["performance_rating"] = people["performance_rating"].fillna(
        people["performance_rating"].mean()
    )
    return people


def analyse_panel(panel: ProgramPanel, *, design: ProgramDesign | None = None) -> ProgramAnalysis:
    """Run the design's estimator and, for non-randomised designs, the naive comparison."""
    chosen = design or design_for(panel.program.rollout, panel)
    info = OutcomeInfo(name=panel.kpi.name, unit=panel.kpi.unit, direction=panel.kpi.direction)
    if chosen == "staggered":
        headline = estimate_staggered(
            panel.frame,  # only the named columns are read; no copy of the others
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
