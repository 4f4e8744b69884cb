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

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from lodestar.analytics.panels import WideValues
from lodestar.analytics.results import EffectEstimate, OutcomeInfo
from lodestar.domain.evaluation import PANEL_DESIGNS, PanelDesign
from lodestar.errors import InvalidInput
from lodestar.services.impact.design_choice import DesignChoice, design_for_panel
from lodestar.services.impact.panel import PERSON_COLUMNS, ProgramPanel

ProgramDesign = PanelDesign  # the panel designs, defined once in domain.evaluation


@dataclass(frozen=True)
class PanelDesignChoice:
    design: ProgramDesign
    reason: str  # in full sentences: recorded, requested for this run, or read from the data
    recorded: bool


@dataclass(frozen=True)
class ProgramAnalysis:
    design: ProgramDesign
    headline: EffectEstimate
    naive: EffectEstimate | None
    people: int  # participants the effect is about
    design_reason: str = ""
    design_recorded: bool = False


def choose_for_panel(panel: ProgramPanel, requested: str | None = None) -> PanelDesignChoice:
    """The program's recorded evaluation design (or a run's override), or else one chosen from
    the data's structure, with the reason; refuses designs that are not estimated on the KPI
    panel."""
    return panel_choice(design_for_panel(panel, requested=requested), panel.program.name)


def panel_choice(choice: DesignChoice, program_name: str) -> PanelDesignChoice:
    """``choice`` as a design estimated on the KPI panel, or a refusal that says what to do."""
    if choice.design not in PANEL_DESIGNS:
        raise InvalidInput(
            f"Program '{program_name}' records the evaluation design '{choice.design}', "
            "which is not estimated on the KPI panel. Record staggered, randomised or "
            "selection_on_observables in the program's setup to analyse the KPI panel."
        )
    return PanelDesignChoice(choice.design, choice.reason, choice.recorded)  # type: ignore[arg-type]


def person_level(panel: ProgramPanel) -> pd.DataFrame:
    """One row per person observed both before and after the program's first start: the
    means of their KPI values before and after it."""
    first_treat = panel.people["first_treat"].to_numpy()
    start_t = int(first_treat[first_treat > 0].min())
    seen = ~np.isnan(panel.values)
    filled = np.where(seen, panel.values, 0.0)
    split = start_t - 1  # columns before the start (t is 1-based)
    n_pre, n_post = seen[:, :split].sum(axis=1), seen[:, split:].sum(axis=1)
    keep = (n_pre > 0) & (n_post > 0)
    people = panel.people.loc[keep, PERSON_COLUMNS].reset_index(drop=True)
    people["pre_mean"] = filled[keep, :split].sum(axis=1) / n_pre[keep]
    people["post_mean"] = filled[keep, split:].sum(axis=1) / n_post[keep]
    return person_columns(people, panel.periods[0])


def person_columns(people: pd.DataFrame, first_period_value: Any) -> pd.DataFrame:
    first_period = pd.Timestamp(first_period_value)
    hire = pd.to_datetime(people["hire_date"])
    people["tenure_years"] = (first_period - hire).dt.days.clip(lower=0) / 365.25
    people["participant"] = people["group"].eq("participant").astype(int)
    people["performance_rating"] = people["performance_rating"].fillna(
        people["performance_rating"].mean()
    )
    return people


def analyse_panel(panel: ProgramPanel, *, design: ProgramDesign | None = None) -> ProgramAnalysis:
    """Run the design's estimator and, for non-randomised designs, the naive comparison."""
    # Imported here: the estimators pull in statsmodels and scipy, which the web app and the
    # CLI should not load at start-up for pages that never estimate anything.
    from lodestar.analytics.estimators.naive import estimate_naive
    from lodestar.analytics.estimators.randomised import estimate_randomised
    from lodestar.analytics.estimators.staggered import estimate_staggered_matrix
    from lodestar.analytics.sensitivity import add_sensitivity

    choice = choose_for_panel(panel, design)
    chosen = choice.design
    info = OutcomeInfo(
        name=panel.kpi.name,
        unit=panel.kpi.unit,
        direction=panel.kpi.direction,
        population="teams" if panel.kpi.grain == "team" else "people",
    )
    if chosen == "staggered":
        headline = estimate_staggered_matrix(
            WideValues(
                panel.values,
                panel.people["unit_id"].to_numpy(),
                panel.people["first_treat"].to_numpy(dtype=np.float64),
            ),
            np.arange(1.0, len(panel.periods) + 1).tolist(),
            control_group="not_yet_treated",
            info=info,
        )
        headline = add_sensitivity(headline)  # honest-DiD bounds on the event study
        people = person_level(panel)
        naive = estimate_naive(people, outcome="post_mean", treatment="participant", info=info)
        return program_analysis(choice, headline, naive, headline.n_treated)
    people = person_level(panel)
    if chosen == "randomised":
        pilot = people[people["group"].isin(["participant", "comparison"])]
        by_team = panel.program.assigned_by == "team" and panel.kpi.grain == "employee"
        headline = estimate_randomised(
            pilot,
            outcome="post_mean",
            treatment="participant",
            pre_outcome="pre_mean",
            # Whole teams drawn by the lottery: people in a team share its luck, so the
            # uncertainty is counted in teams (cluster-robust, or randomisation inference
            # when there are few of them).
            cluster="team_id" if by_team else None,
            info=info,
        )
        return program_analysis(choice, headline, None, headline.n_treated)
    return analyse_selection(choice, people, info, panel.program.name)


def analyse_selection(
    choice: PanelDesignChoice, people: pd.DataFrame, info: OutcomeInfo, program_name: str
) -> ProgramAnalysis:
    """Selection on observables on one row per person (``person_level``'s columns), with the
    sensitivity to an unmeasured factor and the naive comparison beside it."""
    from lodestar.analytics.estimators.naive import estimate_naive
    from lodestar.analytics.estimators.observational import estimate_selection_on_observables
    from lodestar.analytics.sensitivity import add_sensitivity

    if people["participant"].sum() == 0:
        raise InvalidInput(
            f"Program '{program_name}' has no participants with observations before and "
            "after its start. Check the enrolments' start dates against the KPI's history."
        )
    covariates = ["pre_mean", "performance_rating", "tenure_years"]
    headline = estimate_selection_on_observables(
        people, outcome="post_mean", treatment="participant", covariates=covariates, info=info
    )
    # How strong an unmeasured factor would have to be, against the strongest measured one.
    headline = add_sensitivity(
        headline,
        people,
        outcome="post_mean",
        treatment="participant",
        covariates=covariates,
        labels={
            "pre_mean": "the KPI before the program",
            "performance_rating": "performance rating",
            "tenure_years": "tenure",
        },
    )
    naive = estimate_naive(people, outcome="post_mean", treatment="participant", info=info)
    return program_analysis(choice, headline, naive, int(np.sum(people["participant"])))


def program_analysis(
    choice: PanelDesignChoice, headline: EffectEstimate, naive: EffectEstimate | None, people: int
) -> ProgramAnalysis:
    """The result with why this design was used put before the estimator's own reason."""
    method_reason = headline.design_reason
    if headline.design == "staggered" and len(headline.details.get("cohort_sizes", {})) < 2:
        method_reason = ""  # its "started at different times" would contradict the data
    reason = " ".join(part for part in (choice.reason, method_reason) if part)
    return ProgramAnalysis(
        choice.design,
        replace(headline, design_reason=reason),
        naive,
        people,
        choice.reason,
        choice.recorded,
    )
