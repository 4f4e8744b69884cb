"""Customer service: repeat-contact and csat rows, the FCR pilot and the Mindful webinars.

Both programs' effects are planted in the rows here, and their truth entries sit next to
the selection rules they describe (see :mod:`.programs` for the designs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lodestar.analytics.demo.kpis import (
    CSAT,
    REPEAT_CONTACTS,
    Panel,
    group_rows,
    present_weeks,
    share_level,
    share_rows,
)
from lodestar.analytics.demo.programs import (
    FCR_MIN_PRE_WEEKS,
    FCR_PILOT,
    MINDFUL,
    MINDFUL_SIGNUP,
    Planted,
    ProgramSpec,
    concat_enrolments,
    enrolment_rows,
    post_rows,
    program_row,
    share_noise,
    truth_entry,
)


def service(
    people: pd.DataFrame,
    teams: pd.DataFrame,
    rng: np.random.Generator,
    program_rng: np.random.Generator,
) -> tuple[pd.DataFrame, list[Planted]]:
    agents = group_rows(people, "service_agent")
    panel = present_weeks(people, agents)
    pace = 110 * np.exp(0.15 * rng.standard_normal(len(people)))
    contacts = rng.poisson(pace[panel.person] * (1 - 0.5 * panel.ramp))
    treated, comparison, pilot_teams = _fcr_arms(people, len(teams), panel, agents, program_rng)
    fcr_effect = _constant_effect(panel, treated, FCR_PILOT)
    level, _ = share_level(REPEAT_CONTACTS, people, len(teams), panel, rng)
    repeat, _, _ = share_rows(REPEAT_CONTACTS, panel, contacts, level + fcr_effect, rng)
    level, csat_subject = share_level(CSAT, people, len(teams), panel, rng)
    responses = rng.poisson(0.12 * contacts)
    volunteers = _volunteers(panel, csat_subject, program_rng)
    mindful_effect = _constant_effect(panel, volunteers, MINDFUL)
    csat, _, _ = share_rows(CSAT, panel, responses, level + mindful_effect, rng)
    pilot = _fcr_program(people, teams, treated, comparison, pilot_teams, repeat)
    webinars = _mindful_program(people, volunteers, csat, program_rng)
    return pd.concat([repeat, csat], ignore_index=True), [pilot, webinars]


def _constant_effect(panel: Panel, treated: np.ndarray, spec: ProgramSpec) -> np.ndarray:
    """``spec.effect`` on the treated from the (single) start week on; 0 elsewhere."""
    on = np.isin(panel.person, treated) & (panel.week >= spec.start_weeks[0])
    return np.where(on, spec.effect, 0.0)


def _fcr_arms(
    people: pd.DataFrame, n_teams: int, panel: Panel, agents: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random half of the service teams pilots; their eligible agents are randomised
    within team, alternating after a shuffle, a coin per team deciding the odd one out."""
    week = FCR_PILOT.start_weeks[0]
    team = people["team_idx"].to_numpy()
    service_teams = np.unique(team[agents])
    pilot_teams = np.sort(rng.permutation(service_teams)[: max(1, service_teams.size // 2)])
    at_start = panel.person[(panel.week == week) & np.isin(team[panel.person], pilot_teams)]
    hired_early = people["hire_day"].to_numpy()[at_start] <= 7 * (week - FCR_MIN_PRE_WEEKS)
    eligible = at_start[hired_early]
    shuffled = eligible[rng.permutation(eligible.size)]
    grouped = shuffled[np.argsort(team[shuffled], kind="stable")]
    position = pd.Series(team[grouped]).groupby(team[grouped]).cumcount().to_numpy()
    coin = rng.integers(0, 2, n_teams)[team[grouped]]
    participant = (position + coin) % 2 == 0
    return np.sort(grouped[participant]), np.sort(grouped[~participant]), pilot_teams


def _fcr_program(
    people: pd.DataFrame,
    teams: pd.DataFrame,
    treated: np.ndarray,
    comparison: np.ndarray,
    pilot_teams: np.ndarray,
    repeat: pd.DataFrame,
) -> Planted:
    spec = FCR_PILOT
    week = spec.start_weeks[0]
    completed = np.where(people["last_week"].to_numpy()[treated] >= week + 2, 7 * week + 11, -1)
    never_done = np.full(comparison.size, -1)
    enrolments = concat_enrolments(
        [
            enrolment_rows(spec.code, treated, "participant", "Pilot", week, completed),
            enrolment_rows(spec.code, comparison, "comparison", "Pilot", week, never_done),
        ]
    )
    post = post_rows(repeat, treated, week)
    truth = truth_entry(spec, enrolments, int(post.sum()), share_noise(REPEAT_CONTACTS, repeat))
    truth |= {
        "true_effect": spec.effect,
        "estimand": (
            f"ATT = ATE in the randomised sample: a constant {spec.effect} points on each "
            "participant's expected repeat-contact rate from the start week on."
        ),
        "treated": (
            "Participants of the randomisation; comparison agents and agents outside the pilot "
            "teams are never treated."
        ),
        "selection": {
            "rule": (
                f"A random half of the service teams is in the pilot; their agents present at "
                f"week {week} and hired at least {FCR_MIN_PRE_WEEKS} weeks before are "
                "randomised within team to participant or comparison (alternating after a "
                "seeded shuffle; a coin decides the odd one out)."
            ),
            "covariates": [],
            "pilot_teams": teams["name"].to_numpy()[pilot_teams].tolist(),
        },
        "comparison": int(comparison.size),
    }
    return Planted(program_row(spec, repeat, week), enrolments, truth)


def _volunteers(panel: Panel, csat_subject: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Agents present at the start who sign up, more often when their csat is high."""
    at_start = panel.person[panel.week == MINDFUL.start_weeks[0]]
    intercept, slope = MINDFUL_SIGNUP
    z = csat_subject[at_start] / CSAT.subject_sd
    signs_up = rng.random(at_start.size) < 1 / (1 + np.exp(-(intercept + slope * z)))
    return np.sort(at_start[signs_up])


def _mindful_program(
    people: pd.DataFrame, volunteers: np.ndarray, csat: pd.DataFrame, rng: np.random.Generator
) -> Planted:
    spec = MINDFUL
    week = spec.start_weeks[0]
    stayed = people["last_week"].to_numpy()[volunteers] >= week + 5
    finished = (rng.random(volunteers.size) < 0.7) & stayed
    completed = np.where(finished, 7 * week + 39, -1)
    enrolments = enrolment_rows(spec.code, volunteers, "participant", "Series 1", week, completed)
    post = post_rows(csat, volunteers, week)
    intercept, slope = MINDFUL_SIGNUP
    truth = truth_entry(spec, enrolments, int(post.sum()), share_noise(CSAT, csat)) | {
        "true_effect": 0.0,
        "estimand": "ATT: zero — the webinars change nobody's csat.",
        "treated": f"Service agents present at week {week} who volunteered.",
        "selection": {
            "rule": (
                f"Each agent volunteers with probability logistic({intercept} + {slope} z), z = "
                "the agent's csat subject effect in sd units (engaged agents sign up more), so "
                "a naive comparison shows a gap that is not an effect."
            ),
            "covariates": ["csat subject effect (latent; proxied by pre-period csat)"],
        },
    }
    return Planted(program_row(spec, csat, week), enrolments, truth)
