"""Sales: conversion and deal-size rows, Consultative Discovery and the Negotiation Masterclass.

Both programs' effects are planted in the rows here, and their truth entries sit next to
the selection rules they describe (see :mod:`.programs` for the designs).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from lodestar.analytics.demo.calendar import (
    HISTORY_WEEKS,
    WEEK_MONDAYS,
    calendar_effect,
    calendar_flags,
    monday_iso,
)
from lodestar.analytics.demo.kpis import (
    DEAL_SIZE,
    SALES_CONVERSION,
    Panel,
    clipped_share,
    group_rows,
    kpi_frame,
    present_weeks,
    share_level,
    share_rows,
    subject_effect,
)
from lodestar.analytics.demo.programs import (
    CD_NEVER_SHARE,
    CD_RAMP_WEEKS,
    CONSULTATIVE_DISCOVERY,
    NEGOTIATION,
    NEGOTIATION_PICK_SHARE,
    NEGOTIATION_PRE_WEEKS,
    Planted,
    concat_enrolments,
    enrolment_rows,
    mean_or_none,
    program_row,
    share_noise,
    truth_entry,
)


def sales(
    people: pd.DataFrame,
    teams: pd.DataFrame,
    rng: np.random.Generator,
    program_rng: np.random.Generator,
) -> tuple[pd.DataFrame, list[Planted]]:
    reps = group_rows(people, "sales_rep")
    panel = present_weeks(people, reps)
    level, _ = share_level(SALES_CONVERSION, people, len(teams), panel, rng)
    pace = 7.0 * np.exp(0.2 * rng.standard_normal(len(people)))
    holiday = calendar_flags()["holiday"][panel.week]
    meetings = rng.poisson(pace[panel.person] * (1 - 0.65 * holiday))
    cohorts, never = _cd_cohorts(people, reps, program_rng)
    start = _cd_start_week(people, panel, cohorts)
    effect = _cd_effect(panel.week - start[panel.person])
    conversion, proposals, held = share_rows(SALES_CONVERSION, panel, meetings, level + effect, rng)
    clipped = clipped_share(SALES_CONVERSION, (level + effect)[held])
    observed = _Rows(panel.take(held), effect[held], conversion)
    discovery = _cd_program(people, teams, start, observed, cohorts, never, clipped)
    deals = _deal_size(people, len(teams), panel.take(held), proposals, rng)
    masterclass, deals = _negotiation(people, reps, deals, program_rng)
    return pd.concat([conversion, deals], ignore_index=True), [discovery, masterclass]


def _cd_cohorts(
    people: pd.DataFrame, reps: np.ndarray, rng: np.random.Generator
) -> tuple[list[np.ndarray], np.ndarray]:
    """Sales teams shuffled: about a quarter never treated, the rest in up to four cohorts."""
    shuffled = rng.permutation(np.unique(people["team_idx"].to_numpy()[reps]))
    n_never = 0 if shuffled.size < 2 else max(1, round(CD_NEVER_SHARE * shuffled.size))
    treated = shuffled[n_never:]
    n_cohorts = min(len(CONSULTATIVE_DISCOVERY.start_weeks), treated.size)
    cohorts = [np.sort(c) for c in np.array_split(treated, n_cohorts)] if n_cohorts else []
    return cohorts, np.sort(shuffled[:n_never])


def _cd_start_week(people: pd.DataFrame, panel: Panel, cohorts: list[np.ndarray]) -> np.ndarray:
    """Each person's Consultative Discovery start week (a week past the history if none):
    reps on a cohort's teams who are present in its start week. Later joiners of a treated
    team are not enrolled."""
    start = np.full(len(people), 10 * HISTORY_WEEKS, dtype=np.int64)
    team = people["team_idx"].to_numpy()[panel.person]
    for cohort_teams, week in zip(cohorts, CONSULTATIVE_DISCOVERY.start_weeks, strict=False):
        start[panel.person[np.isin(team, cohort_teams) & (panel.week == week)]] = week
    return start


def _cd_effect(event_week: np.ndarray) -> np.ndarray:
    """``effect * min(1, (e + 1) / CD_RAMP_WEEKS)`` for e >= 0 weeks since the start."""
    ramp = np.minimum(1.0, (event_week + 1) / CD_RAMP_WEEKS)
    return np.where(event_week >= 0, CONSULTATIVE_DISCOVERY.effect * ramp, 0.0)


@dataclass(frozen=True)
class _Rows:
    """Observed KPI rows with the panel they came from and the effect planted in each."""

    panel: Panel
    effect: np.ndarray
    frame: pd.DataFrame


def _cd_program(
    people: pd.DataFrame,
    teams: pd.DataFrame,
    start: np.ndarray,
    observed: _Rows,
    cohorts: list[np.ndarray],
    never: np.ndarray,
    clipped: float,
) -> Planted:
    """Enrolments and truth of the staggered roll-out; ``start`` is each person's start week."""
    spec = CONSULTATIVE_DISCOVERY
    last_week = people["last_week"].to_numpy()
    rows, effect = observed.panel, observed.effect
    parts, cohort_truth = [], []
    for c_idx, (cohort_teams, week) in enumerate(zip(cohorts, spec.start_weeks, strict=False)):
        label = f"Cohort {c_idx + 1}"
        who = np.flatnonzero(start == week)
        completed = np.where(last_week[who] >= week + 4, 7 * week + 32, -1)
        parts.append(enrolment_rows(spec.code, who, "participant", label, week, completed))
        post = np.isin(rows.person, who) & (rows.week >= week)
        cohort_truth.append(
            {
                "cohort": label,
                "start_week": week,
                "start_date": monday_iso(week),
                "teams": teams["name"].to_numpy()[cohort_teams].tolist(),
                "participants": int(who.size),
                "post_observations": int(post.sum()),
                "att": mean_or_none(effect[post]),
            }
        )
    enrolments = concat_enrolments(parts)
    post_all = effect > 0
    noise = share_noise(SALES_CONVERSION, observed.frame)
    truth = truth_entry(spec, enrolments, int(post_all.sum()), noise) | {
        "true_effect": mean_or_none(effect[post_all]),
        "estimand": (
            "ATT: mean planted effect on the weekly conversion probability over the "
            "participants' observed post-start weeks (weeks with at least one meeting; each "
            "employee-week counts once, not weighted by meetings)."
        ),
        "effect_full": spec.effect,
        "effect_by_event_week": (
            f"{spec.effect} * min(1, (e + 1) / {CD_RAMP_WEEKS}) percentage points, e = weeks "
            "since the cohort's start week (e >= 0); 0 before the start"
        ),
        "att_by_cohort": {c["cohort"]: c["att"] for c in cohort_truth},
        "cohorts": cohort_truth,
        "never_treated_teams": teams["name"].to_numpy()[never].tolist(),
        "treated": (
            "Sales reps (Account Executive, Senior Account Executive) on a cohort's teams who "
            "are present in its start week; later joiners of those teams are not enrolled."
        ),
        "selection": {
            "rule": (
                f"Sales teams shuffled at random: about {CD_NEVER_SHARE:.0%} never treated "
                "within the history, the rest split evenly into cohorts in shuffled order."
            ),
            "covariates": [],
        },
        "share_of_rows_clipped": clipped,
    }
    first = spec.start_weeks[0] if cohorts else None
    return Planted(program_row(spec, observed.frame, first), enrolments, truth)


def _deal_size(
    people: pd.DataFrame,
    n_teams: int,
    conversion_panel: Panel,
    proposals: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Average deal size in the weeks with at least one proposal (no program effect yet)."""
    m = DEAL_SIZE
    subject = subject_effect(people, m.subject_sd, m.ability_loading, rng)
    team_fx = rng.normal(0, m.team_sd, n_teams)
    some = proposals > 0
    panel, deals = conversion_panel.take(some), proposals[some]
    team = people["team_idx"].to_numpy()[panel.person]
    mu = m.base + subject[panel.person] + team_fx[team] + calendar_effect(m.calendar, panel.week)
    noise = rng.standard_normal(deals.size) * m.noise_sd_per_deal / np.sqrt(deals)
    value = np.round(np.maximum(mu + noise, m.floor), 2)
    return kpi_frame("avg_deal_size", panel.person, None, WEEK_MONDAYS[panel.week], value, deals)


def _negotiation(
    people: pd.DataFrame, reps: np.ndarray, deals: pd.DataFrame, rng: np.random.Generator
) -> tuple[Planted, pd.DataFrame]:
    """Managers nominate their top reps by rating and recent deal size; the true effect is
    small. Returns the program and the deal-size rows with the effect added."""
    spec = NEGOTIATION
    week = spec.start_weeks[0]
    chosen, eligible = _nominate(people, reps, deals, week, rng)
    person = deals["employee_idx"].to_numpy(dtype=np.int64)
    post_rows = deals["period"].to_numpy() >= np.datetime64(monday_iso(week))
    treated_rows = np.isin(person, chosen) & post_rows
    deals = deals.copy()
    deals.loc[treated_rows, "value"] = np.round(deals["value"][treated_rows] + spec.effect, 2)
    post_means = deals[post_rows].groupby(person[post_rows])["value"].mean()
    is_chosen = post_means.index.isin(chosen)
    naive = post_means[is_chosen].mean() - post_means[~is_chosen].mean()
    completed = np.full(chosen.size, 7 * week + 2)
    enrolments = enrolment_rows(
        spec.code, chosen, "participant", "Masterclass 2026", week, completed
    )
    truth = truth_entry(spec, enrolments, int(treated_rows.sum()), asdict(DEAL_SIZE)) | {
        "true_effect": spec.effect,
        "estimand": (
            f"ATT: a constant +{spec.effect:.0f} EUR on each participant's weekly average deal "
            "size from the start week on (every observed post week)."
        ),
        "treated": "Reps nominated by their managers, all starting in the same week.",
        "selection": {
            "rule": (
                f"Among reps present at week {week} with at least 8 weeks of deal-size data in "
                f"the {NEGOTIATION_PRE_WEEKS} weeks before, score = z(performance_rating) + "
                "z(mean avg_deal_size over those weeks) + N(0, 0.5); in each team with 3 or "
                f"more eligible reps the top ceil({NEGOTIATION_PICK_SHARE} x eligible) are "
                "picked."
            ),
            "covariates": ["performance_rating", "pre-period mean avg_deal_size"],
            "eligible": int(eligible),
        },
        "naive_post_gap": None if np.isnan(naive) else round(float(naive), 2),
        "note": (
            "Participants were picked partly on their deal sizes in the 26 weeks before the "
            "start, so a difference-in-differences that uses those same weeks as its "
            "pre-period inherits a regression-to-the-mean bias of roughly -50 EUR; pre-period "
            "weeks before the selection window avoid it."
        ),
    }
    return Planted(program_row(spec, deals, week), enrolments, truth), deals


def _nominate(
    people: pd.DataFrame,
    reps: np.ndarray,
    deals: pd.DataFrame,
    week: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, int]:
    """The reps managers pick (see the truth's selection rule) and how many were eligible."""
    period = deals["period"].to_numpy()
    window = (period >= np.datetime64(monday_iso(week - NEGOTIATION_PRE_WEEKS))) & (
        period < np.datetime64(monday_iso(week))
    )
    person = deals["employee_idx"].to_numpy(dtype=np.int64)[window]
    pre = deals["value"][window].groupby(person).agg(["mean", "size"])
    candidates = pre.index.to_numpy()
    present = (people["last_week"].to_numpy() >= week) & (people["hire_day"].to_numpy() <= 7 * week)
    ok = (pre["size"].to_numpy() >= 8) & present[candidates] & np.isin(candidates, reps)
    eligible = candidates[ok]
    score = (
        _z(people["rating"].to_numpy()[eligible])
        + _z(pre["mean"].to_numpy()[ok])
        + rng.normal(0, 0.5, eligible.size)
    )
    team = people["team_idx"].to_numpy()[eligible]
    order = np.lexsort((-score, team))
    by_team = pd.Series(team[order]).groupby(team[order])
    rank_in_team = by_team.cumcount().to_numpy()
    team_size = by_team.transform("size").to_numpy()
    picked = (rank_in_team < np.ceil(NEGOTIATION_PICK_SHARE * team_size)) & (team_size >= 3)
    return np.sort(eligible[order][picked]), int(eligible.size)


def _z(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros(x.size)
