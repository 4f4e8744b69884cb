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
    start_t = _first_start(panel)
    seen = ~np.isnan(panel.values)
    filled = np.where(seen, panel.values, 0.0)
    split = start_t - 1  # columns before the start (t is 1-based)
    n_pre, n_post = seen[:, :split].sum(axis=1), seen[:, split:].sum(axis=1)
    keep = (n_pre > 0) & (n_post > 0)
    people = panel.people.loc[keep, PERSON_COLUMNS].reset_index(drop=True)
    people["pre_mean"] = filled[keep, :split].sum(axis=1) / n_pre[keep]
    people["post_mean"] = filled[keep, split:].sum(axis=1) / n_post[keep]
    return person_columns(people, panel.periods[0])


def _first_start(panel: ProgramPanel) -> int:
    """The period number (from 1) of the program's first start, or a refusal naming why there
    is no before and after to compare: no participant with values, or a first start at or
    before the first period loaded, or after the last."""
    first_treat = panel.people["first_treat"].to_numpy()
    started = first_treat[first_treat > 0]
    kpi, program = panel.kpi.name, panel.program.name
    if started.size == 0:
        raise InvalidInput(
            f"None of the participants of program '{program}' has observations of '{kpi}' "
            "(or a start date), so there is nobody whose KPI can be compared before and after "
            "the program. Import the participants' KPI history (lodestar import kpis) and "
            "check their start dates, then try again."
        )
    start_t = int(started.min())
    first_day = pd.Timestamp(panel.periods[0]).date()
    last_day = pd.Timestamp(panel.periods[-1]).date()
    starts = panel.people["start_date"].to_numpy()[first_treat == start_t]
    first_start = pd.Timestamp(starts.min()).date()
    if start_t == 1:
        raise InvalidInput(
            f"'{kpi}' has no observations before program '{program}' started: the first "
            f"participants started on {first_start} and the loaded values begin on "
            f"{first_day}, so there is no before to compare with. Import at least two periods "
            "of the KPI from before the start and try again."
        )
    if start_t > len(panel.periods):
        raise InvalidInput(
            f"'{kpi}' has no observations after program '{program}' started: the first "
            f"participants started on {first_start} and the loaded values end on {last_day}, "
            "so there is no after to compare with. Import the KPI's values for the periods "
            "after the start (or check the enrolments' start dates) and try again."
        )
    return start_t


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
    """Run the design's estimator and, for non-randomised designs, the naive comparison; a
    KPI holding values far beyond its ordinary range gets a warning on the headline (which
    keeps its grade from "strong": one such value can make a result by itself)."""
    analysis = _analyse_panel(panel, design=design)
    warning = extreme_values_warning(panel)
    if warning is None:
        return analysis
    headline = analysis.headline
    return replace(analysis, headline=replace(headline, warnings=(*headline.warnings, warning)))


def extreme_values_warning(panel: ProgramPanel) -> str | None:
    """The sentence for values of the KPI far beyond its ordinary range, if any."""
    from lodestar.analytics.data_checks import EXTREME_IQRS, extreme_values
    from lodestar.domain.numbers import format_number

    found = extreme_values(panel.values)
    if found is None:
        return None
    many = found.count != 1
    return (
        f"{format_number(found.count, 0)} of the {format_number(found.total, 0)} values of "
        f"'{panel.kpi.name}' {'lie' if many else 'lies'} more than {EXTREME_IQRS:g} times the "
        f"spread of its middle half beyond it (the farthest: {found.largest:.6g}). A typo, a "
        "unit error or a placeholder value can make a result by itself: check "
        f"{'those values' if many else 'that value'} in the KPI's import, correct or remove "
        f"{'them' if many else 'it'}, and run the analysis again. The estimate above includes "
        f"{'them' if many else 'it'}."
    )


def _analyse_panel(panel: ProgramPanel, *, design: ProgramDesign | None = None) -> ProgramAnalysis:
    """Run the design's estimator and, for non-randomised designs, the naive comparison."""
    # Imported here: the estimators pull in statsmodels and scipy, which the web app and the
    # CLI should not load at start-up for pages that never estimate anything.
    from lodestar.analytics.estimators.naive import estimate_naive
    from lodestar.analytics.estimators.randomised import estimate_randomised
    from lodestar.analytics.estimators.staggered import estimate_staggered_matrix
    from lodestar.analytics.sensitivity import add_sensitivity

    choice = choose_for_panel(panel, design)
    chosen = choice.design
    refuse_flat(panel)
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
        try:
            people = person_level(panel)
            naive = estimate_naive(people, outcome="post_mean", treatment="participant", info=info)
        except (InvalidInput, ArithmeticError) as exc:
            # The naive contrast is only shown beside the headline: without it the result
            # still stands, so it is left out with the reason rather than failing the run.
            reason = exc.message if isinstance(exc, InvalidInput) else "a figure overflowed"
            return program_analysis(
                choice, without_naive(headline, reason), None, headline.n_treated
            )
        return program_analysis(choice, headline, naive, headline.n_treated)
    people = person_level(panel)
    if chosen == "randomised":
        pilot = people[people["group"].isin(["participant", "comparison"])]
        if not pilot["group"].eq("participant").any():
            raise InvalidInput(
                f"None of the participants of program '{panel.program.name}' has observations "
                f"of '{panel.kpi.name}' both before and after the program's first start, so "
                "there is no pilot group to compare. Import the participants' KPI values from "
                "before and after the start (or check their start dates) and try again."
            )
        if not pilot["group"].eq("comparison").any():
            raise InvalidInput(
                f"Program '{panel.program.name}' is analysed as a randomised pilot, but nobody "
                "in its comparison group has observations of "
                f"'{panel.kpi.name}' both before and after the start, so there is no "
                "comparison group. Enrol the people the lottery left out as the comparison "
                "group (and import their KPI history), or choose another design, and try again."
            )
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


def refuse_flat(panel: ProgramPanel) -> None:
    """Refuse a KPI with one value on every row (or differing only by rounding): every
    estimator would return an effect of zero, or of rounding noise, with a standard error to
    match, which reads as a precise result when the data say nothing."""
    from lodestar.analytics.data_checks import is_flat

    values = panel.values[~np.isnan(panel.values)]
    if values.size and is_flat(values):
        raise flat_kpi(
            panel.kpi.name, panel.program.name, float(values[0]),
            "its values were imported correctly (lodestar import kpis)",
        )  # fmt: skip


def flat_kpi(kpi: str, program: str, value: float, check: str) -> InvalidInput:
    """The refusal of a KPI with one value for everyone (``check``: what to check besides the
    program's KPI)."""
    return InvalidInput(
        f"'{kpi}' has the same value ({value:g}) for everyone in every period loaded for "
        f"program '{program}' (or differs only by rounding), so it carries no information "
        f"about what the program changed. Check that the program is linked to the right KPI "
        f"and that {check}, then try again."
    )


def without_naive(headline: EffectEstimate, reason: str) -> EffectEstimate:
    """``headline`` with a warning that the naive comparison was left out, and why."""
    warning = (
        "The naive comparison (participants against everyone else, unadjusted) could not be "
        f"computed, so it is not shown: {reason.rstrip('.')}. The estimate above does not "
        "depend on it."
    )
    return replace(headline, warnings=(*headline.warnings, warning))


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
    try:
        naive = estimate_naive(people, outcome="post_mean", treatment="participant", info=info)
    except ArithmeticError:
        naive, headline = None, without_naive(headline, "a figure overflowed")
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
